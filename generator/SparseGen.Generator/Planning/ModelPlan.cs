using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Model;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// One layer as the plan has it, by value: how its kernel computes it and what it keeps where. What
/// <c>sparsegen inspect --plan</c> prints, and what two plans are compared by.
/// </summary>
/// <param name="Number">1-based position in the model's graph.</param>
/// <param name="Strategy">The CPU kernel (<see cref="LayerStrategyNames.DisplayName"/>), "fused into conv", or empty for an op without weights.</param>
/// <param name="EstimatedNanoseconds">The cost model's time of a Conv or Dense with its strategy, or null.</param>
/// <param name="Parts">Ranges of outputs that Predict with intra-op threads runs side by side (1: the layer runs whole).</param>
/// <param name="FusedPool">The max pool the convolution computes as well, or null.</param>
/// <param name="ChannelsLast">Whether the convolution stores its output [H×W×C] for the fully connected layer that reads it.</param>
/// <param name="SkipsZeroInputs">Whether the dense SIMD kernel gathers its nonzero inputs first.</param>
/// <param name="FillsPlanesOf">The convolution whose zero-bordered planes this one writes its pooled output into, or null.</param>
/// <param name="PlanesFilled">Whether the convolution before has filled this one's planes (it copies nothing).</param>
/// <param name="Output">The arena offset of the layer's output value, or null where it never lands there (a fused pool's input).</param>
/// <param name="Planes">The arena offset of the zero-bordered planes the kernel reads, or null.</param>
/// <param name="Scratch">The layer's own scratch, or null.</param>
/// <param name="GpuStrategy">The GPU kernel, or null where GPU code is not planned.</param>
internal sealed record LayerPlan(
    int Number,
    string Name,
    string OpType,
    string Strategy,
    double? EstimatedNanoseconds,
    int Parts,
    string? FusedPool,
    bool ChannelsLast,
    bool SkipsZeroInputs,
    string? FillsPlanesOf,
    bool PlanesFilled,
    int? Output,
    int? Planes,
    ScratchRange? Scratch,
    string? GpuStrategy);

/// <summary>A model's plan by value: every layer's decisions, the arena and scratch lengths, and the batch section.</summary>
/// <param name="ArenaLength">Floats of one thread's arena: values, scratch and read slack.</param>
/// <param name="ThreadScratchLength">Floats of each thread's own scratch for layers in parts.</param>
/// <param name="BatchSection">The layers PredictBatch runs with samples in SIMD lanes (their names), or empty.</param>
internal sealed record ModelPlan(ImmutableEquatableArray<LayerPlan> Layers, int ArenaLength, int ThreadScratchLength, ImmutableEquatableArray<string> BatchSection)
{
    /// <summary>The value of <paramref name="plan"/> (and of the GPU plan of the same model, where there is one).</summary>
    public static ModelPlan Of(KernelPlan plan, GpuPlan? gpu = null)
    {
        var layers = new List<LayerPlan>();
        var model = plan.Model;
        for (var index = 0; index < model.Operations.Count; index++)
        {
            // Decisions are kept under the model's ops, and the scratch under the ops the kernels compute (the same but
            // for a rewritten convolution, which stands at the same place).
            var op = model.Operations[index];
            var computed = plan.Graph.Operations[index];
            var strategy = plan.StrategyOf(op)?.DisplayName() ?? (plan.IsFusedAway(op) ? "fused into conv" : "");
            var scratch = plan.Scratch.Of(computed);
            layers.Add(new LayerPlan(
                index + 1,
                op.Name,
                op.OpType,
                strategy,
                plan.Estimates.TryGetValue(op, out var estimate) ? estimate : null,
                op is ConvOperation or DenseOperation ? plan.PartsOf(computed).Count : 1,
                plan.FusedPoolOf(op)?.Name,
                plan.StoresChannelsLast(computed),
                plan.SkipsZeroInputs(op),
                plan.Handoffs.ReaderOf(computed)?.Name,
                plan.Handoffs.IsFed(computed),
                plan.Buffers.PlacedAt(computed.Output),
                scratch.Planes,
                scratch.Own,
                gpu is null ? null : gpu.Strategies.TryGetValue(op, out var gpuStrategy) ? gpuStrategy.ToString() : gpu.IsFusedAway(op) ? "fused into conv" : null));
        }

        return new ModelPlan(
            layers.ToImmutableEquatableArray(),
            plan.Scratch.ArenaLengthWithSlack,
            plan.Scratch.ThreadScratchLength,
            (plan.BatchSection?.Operations.Select(op => op.Name) ?? Enumerable.Empty<string>()).ToImmutableEquatableArray());
    }
}
