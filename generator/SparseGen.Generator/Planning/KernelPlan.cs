using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>The decisions the emitter follows: a strategy per weight layer and where every value lives in the arena.</summary>
internal sealed class KernelPlan
{
    public KernelPlan(
        ModelGraph graph,
        IReadOnlyDictionary<Operation, LayerStrategy> strategies,
        BufferPlan buffers,
        PlannerOptions options,
        IReadOnlyDictionary<Operation, PoolOperation>? fusedPools = null,
        BatchSection? batchSection = null,
        HashSet<Operation>? inParts = null,
        HashSet<Operation>? skipsZeroInputs = null,
        IReadOnlyDictionary<Operation, OutputBlocks>? outputBlocks = null,
        IReadOnlyCollection<Operation>? channelsLast = null)
    {
        Graph = graph;
        _channelsLast = new HashSet<Operation>(channelsLast ?? System.Array.Empty<Operation>(), ReferenceComparer.Instance);
        _outputBlocks = outputBlocks ?? new Dictionary<Operation, OutputBlocks>();
        Strategies = strategies;
        Buffers = buffers;
        Options = options;
        FusedPools = fusedPools ?? new Dictionary<Operation, PoolOperation>();
        BatchSection = batchSection;
        _fusedAway = new HashSet<Operation>(FusedPools.Values, ReferenceComparer.Instance);
        _inParts = inParts ?? new HashSet<Operation>(ReferenceComparer.Instance);
        _skipsZeroInputs = skipsZeroInputs ?? new HashSet<Operation>(ReferenceComparer.Instance);
        // The decisions above fix where everything goes; the kernels' planes and scratch follow from them.
        Handoffs = PlanesHandoffs.Find(this);
        Scratch = ScratchPlan.Build(this, Handoffs);
    }

    /// <summary>The convolutions that write their pooled output into the next one's zero-bordered planes.</summary>
    public PlanesHandoffs Handoffs { get; }

    /// <summary>Every kernel's planes and scratch beyond the values, and the arena's length with them.</summary>
    public ScratchPlan Scratch { get; }

    /// <summary>The graph the planner was given (the model after the exact passes): the class's facts and layer list describe it.</summary>
    public ModelGraph Model { get; init; } = null!;

    /// <summary>The cost model's time of each Conv and Dense with its strategy, in nanoseconds.</summary>
    public IReadOnlyDictionary<Operation, double> Estimates { get; init; } = new Dictionary<Operation, double>();

    /// <summary>
    /// The ranges of outputs (channels, features; for channels in lanes the lanes of 16-channel blocks) that
    /// <paramref name="op"/>'s parts compute: several where it runs in parts (<see cref="RunsInParts"/>), else one.
    /// </summary>
    public IReadOnlyList<(int From, int To)> PartsOf(Operation op)
    {
        switch (op)
        {
            case ConvOperation conv when StrategyOf(conv) is LayerStrategy.SimdChannels or LayerStrategy.SimdChannelBlocks:
                // Each 16-channel block is a part.
                var lanes = StrategyOf(conv) == LayerStrategy.SimdChannelBlocks ? BlocksOf(conv).Slots.Count : conv.OutputChannels;
                var step = RunsInParts(conv) ? OutputBlocks.Size : lanes;
                var parts = new List<(int, int)>();
                for (var first = 0; first < lanes; first += step)
                {
                    parts.Add((first, System.Math.Min(lanes, first + step)));
                }

                return parts;
            case ConvOperation conv:
                return EvenParts(conv.OutputChannels, RunsInParts(conv));
            case DenseOperation dense:
                return EvenParts(dense.OutputFeatures, RunsInParts(dense));
            default:
                return new[] { (0, 1) };
        }
    }

    /// <summary>Parts a layer in parts is cut into: enough to share among a few cores, few enough to cost nothing on one.</summary>
    public const int PartsPerLayer = 8;

    /// <summary><paramref name="count"/> outputs in <see cref="PartsPerLayer"/> ranges as even as may be; one range for a layer not in parts.</summary>
    public static IReadOnlyList<(int From, int To)> EvenParts(int count, bool inParts)
    {
        var parts = inParts ? System.Math.Min(PartsPerLayer, count) : System.Math.Min(1, count);
        var ranges = new (int, int)[parts];
        for (var part = 0; part < parts; part++)
        {
            ranges[part] = (count * part / parts, count * (part + 1) / parts);
        }

        return ranges;
    }

    /// <summary>
    /// The graph the kernels compute: the planned graph, or what <see cref="ChannelsLastRewrite"/> made of it (same op
    /// names and order; the planned graph's ops have the same strategies and blocks as the ops that stand for them).
    /// </summary>
    public ModelGraph Graph { get; }

    /// <summary>Whether the convolution <paramref name="conv"/> of <see cref="Graph"/> stores its output [C×H×W] as [H×W×C].</summary>
    public bool StoresChannelsLast(Operation conv) => _channelsLast.Contains(conv);

    private readonly HashSet<Operation> _channelsLast;

    /// <summary>Max pools computed inside the SIMD convolution before them, keyed by that convolution.</summary>
    public IReadOnlyDictionary<Operation, PoolOperation> FusedPools { get; }

    /// <summary>The pool that <paramref name="conv"/> computes as well, or null.</summary>
    public PoolOperation? FusedPoolOf(Operation conv) => FusedPools.TryGetValue(conv, out var pool) ? pool : null;

    /// <summary>True for a pool whose work the convolution before it does: it emits no code of its own.</summary>
    public bool IsFusedAway(Operation op) => op is PoolOperation && _fusedAway.Contains(op);

    private readonly HashSet<Operation> _inParts;
    private readonly HashSet<Operation> _fusedAway;
    private readonly HashSet<Operation> _skipsZeroInputs;
    private readonly IReadOnlyDictionary<Operation, OutputBlocks> _outputBlocks;

    /// <summary>The blocks of outputs of a layer planned as <see cref="LayerStrategy.SimdChannelBlocks"/> or <see cref="LayerStrategy.SparseBlocks"/>.</summary>
    public OutputBlocks BlocksOf(Operation op) =>
        _outputBlocks.TryGetValue(op, out var blocks) ? blocks : throw new System.InvalidOperationException($"{op.Name} is not planned as a block kernel");

    /// <summary>Whether the dense SIMD kernel of <paramref name="op"/> gathers its nonzero inputs and skips the rest (<see cref="ActivationFacts.SkipsZeroInputs"/>).</summary>
    public bool SkipsZeroInputs(Operation op) => _skipsZeroInputs.Contains(op);

    /// <summary>
    /// Whether <paramref name="op"/> is estimated slow enough (<see cref="PlannerOptions.MinParallelLayerNanoseconds"/>) to be cut into
    /// parts that Predict with intra-op threads runs side by side.
    /// </summary>
    public bool RunsInParts(Operation op) => _inParts.Contains(op);

    /// <summary>The fully connected run that PredictBatch computes with samples in SIMD lanes, or null.</summary>
    public BatchSection? BatchSection { get; }

    /// <summary>The strategy of each Conv and Dense; other ops have none.</summary>
    public IReadOnlyDictionary<Operation, LayerStrategy> Strategies { get; }

    public BufferPlan Buffers { get; }

    public PlannerOptions Options { get; }

    public LayerStrategy? StrategyOf(Operation op) => Strategies.TryGetValue(op, out var strategy) ? strategy : null;
}
