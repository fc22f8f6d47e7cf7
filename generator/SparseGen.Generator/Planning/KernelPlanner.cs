using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// Chooses how each Conv and Dense layer is computed, by the estimated time of each strategy
/// (<see cref="CostModel"/>, calibrated by measurements: docs/kernels.md, "Cost model") within
/// the code budgets: unrolled layers (scalar or SIMD) count against
/// <see cref="PlannerOptions.MaxUnrolledNonZerosPerModel"/>, taken in graph order.
/// </summary>
internal static class KernelPlanner
{
    /// <summary>
    /// The plan for <paramref name="graph"/>; where a channels-in-lanes convolution feeds a fully connected layer, the
    /// kernels compute the graph <see cref="ChannelsLastRewrite"/> makes of it (<see cref="KernelPlan.Graph"/>), every
    /// decision about an op also kept under the op of <paramref name="graph"/> it stands for.
    /// </summary>
    public static KernelPlan Plan(ModelGraph graph, PlannerOptions options)
    {
        var choices = Choose(graph, options, forced: null);
        var rewrite = ChannelsLastRewrite.Apply(graph, choices.Strategies, choices.FusedPools, op => choices.OutputBlocks[op]);
        if (rewrite is null)
        {
            return choices.ToPlan(graph, graph, options, null);
        }

        // The rewritten convolutions keep their strategy; their lanes are now their channels in order.
        var forced = rewrite.ChannelsLast.ToDictionary(
            conv => conv,
            conv => (choices.Strategies[rewrite.Originals[conv]], OutputBlocks.InOrder(((ConvOperation)conv).Weight)),
            ReferenceComparer.Instance);
        var rewritten = Choose(rewrite.Graph, options, forced);
        foreach (var original in rewrite.Originals.Values)
        {
            if (choices.Strategies.TryGetValue(original, out var strategy))
            {
                rewritten.Strategies[original] = strategy;
            }

            if (choices.OutputBlocks.TryGetValue(original, out var blocks))
            {
                rewritten.OutputBlocks[original] = blocks;
            }

            if (choices.FusedPools.TryGetValue(original, out var pool))
            {
                rewritten.FusedPools[original] = pool;
            }

            if (choices.Estimates.TryGetValue(original, out var estimate))
            {
                rewritten.Estimates[original] = estimate;
            }
        }

        return rewritten.ToPlan(graph, rewrite.Graph, options, rewrite);
    }

    /// <param name="forced">Strategies and blocks fixed beforehand (the rewritten convolutions), or null.</param>
    private static Choices Choose(ModelGraph graph, PlannerOptions options, IReadOnlyDictionary<Operation, (LayerStrategy Strategy, OutputBlocks Blocks)>? forced)
    {
        // Reference equality: two ops of one graph may be equal as records.
        var strategies = new Dictionary<Operation, LayerStrategy>(ReferenceComparer.Instance);
        var fusedPools = new Dictionary<Operation, PoolOperation>(ReferenceComparer.Instance);
        var inParts = new HashSet<Operation>(ReferenceComparer.Instance);
        var skipsZeroInputs = new HashSet<Operation>(ReferenceComparer.Instance);
        var outputBlocks = new Dictionary<Operation, OutputBlocks>(ReferenceComparer.Instance);
        var estimates = new Dictionary<Operation, double>(ReferenceComparer.Instance);
        long unrolledTotal = 0;
        foreach (var op in graph.Operations)
        {
            LayerStrategy strategy;
            long nonZeros;
            double estimate;
            switch (op)
            {
                case ConvOperation conv:
                    nonZeros = conv.Weight.NonZeroCount;
                    var pool = options.FusePools ? FusablePool(graph, conv) : null;
                    OutputBlocks? convBlocks;
                    if (forced is not null && forced.TryGetValue(conv, out var fixedChoice))
                    {
                        (strategy, convBlocks) = fixedChoice;
                    }
                    else
                    {
                        // Block kernels are for ungrouped convolutions only: a grouped one has no blocks to weigh.
                        convBlocks = conv.Group == 1 ? OutputBlocks.Of(conv.Weight) : null;
                        strategy = options.ForcedConvStrategy is { } forcedConv && forcedConv is not (LayerStrategy.DenseSimd or LayerStrategy.SparseRows or LayerStrategy.SparseBlocks)
                            ? (forcedConv is LayerStrategy.SimdChannels or LayerStrategy.SimdChannelBlocks && conv.Group != 1 ? LayerStrategy.SimdTable : forcedConv)
                            : CostModel.ChooseConv(conv, graph.ShapeOf(conv.Output), options, CanUnroll(nonZeros), pool is not null, convBlocks);
                    }

                    if (strategy == LayerStrategy.SimdChannelBlocks)
                    {
                        outputBlocks[conv] = convBlocks!;
                    }

                    var fused = pool is not null && strategy is LayerStrategy.SimdChannels or LayerStrategy.SimdChannelBlocks or LayerStrategy.SimdTable or LayerStrategy.SimdUnrolled;
                    if (fused)
                    {
                        fusedPools[conv] = pool!;
                    }

                    estimate = CostModel.EstimateConv(conv, graph.ShapeOf(conv.Output), strategy, fused, convBlocks);
                    break;
                case DenseOperation dense:
                    nonZeros = dense.Weight.NonZeroCount;
                    var skips = ActivationFacts.SkipsZeroInputs(graph, dense);
                    if (skips)
                    {
                        skipsZeroInputs.Add(dense);
                    }

                    var denseBlocks = OutputBlocks.Of(dense.Weight);
                    strategy = options.ForcedDenseStrategy is { } forcedDense && forcedDense is not (LayerStrategy.SimdTable or LayerStrategy.SimdUnrolled or LayerStrategy.SimdChannels or LayerStrategy.SimdChannelBlocks)
                        ? forcedDense
                        : CostModel.ChooseDense(dense, options, CanUnroll(nonZeros), skips, denseBlocks);
                    if (strategy == LayerStrategy.SparseBlocks)
                    {
                        outputBlocks[dense] = denseBlocks;
                    }

                    estimate = CostModel.EstimateDense(dense, strategy, skips, ShapeInference.ElementCount(graph.ShapeOf(dense.Output)) / dense.OutputFeatures, denseBlocks);
                    break;
                default:
                    continue;
            }

            strategies[op] = strategy;
            estimates[op] = estimate;
            if (estimate >= options.MinParallelLayerNanoseconds)
            {
                inParts.Add(op);
            }

            if (strategy is LayerStrategy.Unrolled or LayerStrategy.SimdUnrolled)
            {
                unrolledTotal += nonZeros;
            }
        }

        return new Choices(strategies, fusedPools, inParts, skipsZeroInputs, outputBlocks, estimates);

        bool CanUnroll(long nonZeros) => nonZeros <= options.MaxUnrolledNonZerosPerLayer && unrolledTotal + nonZeros <= options.MaxUnrolledNonZerosPerModel;
    }

    /// <summary>
    /// The 2×2, stride-2 max pool that is the only reader of <paramref name="conv"/>'s output (Relu or no activation, so
    /// Relu-then-max in the reference's order is what the fused kernel computes), or null.
    /// </summary>
    private static PoolOperation? FusablePool(ModelGraph graph, ConvOperation conv)
    {
        if (conv.Activation.Kind is not (ActivationKind.None or ActivationKind.Relu) || conv.Output == graph.OutputName)
        {
            return null;
        }

        var readers = graph.Operations.Where(op => op.Inputs.Contains(conv.Output)).ToList();
        if (readers.Count != 1 || readers[0] is not PoolOperation { Kind: PoolKind.Max } pool)
        {
            return null;
        }

        var convShape = graph.ShapeOf(conv.Output);
        var poolShape = graph.ShapeOf(pool.Output);
        var isPlain2x2 = pool.Kernel.SequenceEqual(new[] { 2, 2 }) && pool.Strides.SequenceEqual(new[] { 2, 2 })
            && pool.Pads.All(p => p == 0) && pool.Dilations.All(d => d == 1);
        return isPlain2x2 && poolShape[0] == convShape[0] && poolShape[1] == convShape[1] / 2 && poolShape[2] == convShape[2] / 2 && poolShape[1] > 0 && poolShape[2] > 0
            ? pool
            : null;
    }

    /// <summary>The decisions of one pass over a graph.</summary>
    private sealed record Choices(
        Dictionary<Operation, LayerStrategy> Strategies,
        Dictionary<Operation, PoolOperation> FusedPools,
        HashSet<Operation> InParts,
        HashSet<Operation> SkipsZeroInputs,
        Dictionary<Operation, OutputBlocks> OutputBlocks,
        Dictionary<Operation, double> Estimates)
    {
        public KernelPlan ToPlan(ModelGraph model, ModelGraph graph, PlannerOptions options, ChannelsLastGraph? rewrite) =>
            new(graph, Strategies, BufferPlanner.Plan(graph), options, FusedPools, options.BatchInLanes ? BatchSection.Find(graph) : null, InParts, SkipsZeroInputs, OutputBlocks, rewrite?.ChannelsLast)
            {
                Model = model,
                Estimates = Estimates,
            };
    }
}
