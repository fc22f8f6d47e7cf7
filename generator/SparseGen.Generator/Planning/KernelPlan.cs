using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>The decisions the emitter follows: a strategy per weight layer and where every value lives in the arena.</summary>
internal sealed class KernelPlan
{
    public KernelPlan(IReadOnlyDictionary<Operation, LayerStrategy> strategies, BufferPlan buffers, PlannerOptions options)
    {
        Strategies = strategies;
        Buffers = buffers;
        Options = options;
    }

    /// <summary>The strategy of each Conv and Dense; other ops have none.</summary>
    public IReadOnlyDictionary<Operation, LayerStrategy> Strategies { get; }

    public BufferPlan Buffers { get; }

    public PlannerOptions Options { get; }

    public LayerStrategy? StrategyOf(Operation op) => Strategies.TryGetValue(op, out var strategy) ? strategy : null;
}
