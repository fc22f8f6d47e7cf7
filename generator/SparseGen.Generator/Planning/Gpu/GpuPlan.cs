using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>How the GPU code computes a layer with weights.</summary>
internal enum GpuStrategy
{
    /// <summary>One kernel per block of output channels, weights as literals (PTX immediates), zeros absent.</summary>
    Unrolled,

    /// <summary>One kernel per layer walking the nonzeros of its (uniform) output channel in device tables.</summary>
    Table,
}

/// <summary>The GPU decisions for one graph: a strategy per Conv and Dense, pools fused into the conv before them, and where values live.</summary>
internal sealed class GpuPlan
{
    public GpuPlan(
        ModelGraph graph,
        IReadOnlyDictionary<Operation, GpuStrategy> strategies,
        IReadOnlyDictionary<Operation, PoolOperation> fusedPools,
        BufferPlan buffers,
        GpuOptions options)
    {
        Graph = graph;
        Strategies = strategies;
        FusedPools = fusedPools;
        Buffers = buffers;
        Options = options;
    }

    /// <summary>The optimised graph the plan is for, which the GPU emitter writes.</summary>
    public ModelGraph Graph { get; }

    public IReadOnlyDictionary<Operation, GpuStrategy> Strategies { get; }

    /// <summary>Conv → the pool whose windows its kernel computes directly (the conv's output is never stored).</summary>
    public IReadOnlyDictionary<Operation, PoolOperation> FusedPools { get; }

    public BufferPlan Buffers { get; }

    public GpuOptions Options { get; }

    public bool IsFusedAway(Operation op) => op is PoolOperation pool && FusedPoolSet().Contains(pool);

    private HashSet<PoolOperation>? _fusedPoolSet;

    private HashSet<PoolOperation> FusedPoolSet() => _fusedPoolSet ??= new HashSet<PoolOperation>(FusedPools.Values, ReferenceComparer.Instance);
}
