using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>A range of floats a layer keeps for itself: in the arena, or in each thread's own scratch when its parts run side by side.</summary>
/// <param name="InThreadScratch">Whether the range is in <c>ThreadScratch()</c> (the layer runs in parts) rather than the arena.</param>
internal readonly record struct ScratchRange(bool InThreadScratch, int Offset, int Length);

/// <summary>What one layer's kernel keeps beside the values: its zero-bordered input planes, its own scratch, the planes it fills for its reader.</summary>
/// <param name="Planes">The arena offset of the zero-bordered planes the kernel reads its input from, or null (it reads the input where it is).</param>
/// <param name="Own">The layer's own scratch (a wide plane, a tile's vectors, carried partial sums), or null.</param>
/// <param name="ReaderPlanes">The arena offset of the planes of the convolution this one writes its pooled output into, or null.</param>
internal sealed record LayerScratch(int? Planes, ScratchRange? Own, int? ReaderPlanes)
{
    public static LayerScratch None { get; } = new(null, null, null);
}

/// <summary>
/// The arena beyond the values, placed at build time: each SIMD kernel's zero-bordered planes (one range per reading
/// convolution, which the convolution before it may fill), each layer's own scratch (in the arena, or in the per-thread
/// scratch when its parts run side by side), and the read slack past the arena that SIMD loads may touch. Ranges start on
/// 64-byte boundaries after the values, in layer order, in the order the kernels use them.
/// </summary>
internal sealed class ScratchPlan
{
    private readonly Dictionary<Operation, LayerScratch> _layers;

    private ScratchPlan(Dictionary<Operation, LayerScratch> layers, int arenaLength, int readEnd, int threadScratchLength)
    {
        _layers = layers;
        ArenaLength = arenaLength;
        ArenaLengthWithSlack = Math.Max(arenaLength, readEnd);
        ThreadScratchLength = threadScratchLength;
    }

    /// <summary>Floats of the values and the scratch ranges.</summary>
    public int ArenaLength { get; }

    /// <summary>Floats the arena holds: the values, the scratch, and what SIMD loads may read past them.</summary>
    public int ArenaLengthWithSlack { get; }

    /// <summary>Floats of each thread's own scratch, for layers whose parts run side by side (0: none).</summary>
    public int ThreadScratchLength { get; }

    public LayerScratch Of(Operation op) => _layers.TryGetValue(op, out var scratch) ? scratch : LayerScratch.None;

    /// <summary>Places every layer's scratch of <paramref name="plan"/>'s graph after its values.</summary>
    public static ScratchPlan Build(KernelPlan plan, PlanesHandoffs handoffs)
    {
        var graph = plan.Graph;
        var arenaLength = plan.Buffers.ArenaLength;
        var threadLength = 0;
        var readEnd = 0;
        var planes = new Dictionary<Operation, int>(ReferenceComparer.Instance);
        var layers = new Dictionary<Operation, LayerScratch>(ReferenceComparer.Instance);

        int Arena(int length)
        {
            var offset = BufferPlan.Align(arenaLength);
            arenaLength = offset + length;
            return offset;
        }

        ScratchRange Own(Operation op, int length)
        {
            if (!plan.RunsInParts(op))
            {
                return new ScratchRange(false, Arena(length), length);
            }

            var offset = BufferPlan.Align(threadLength);
            threadLength = offset + length;
            return new ScratchRange(true, offset, length);
        }

        // A reading convolution's planes are placed when first used: by the convolution that fills them, or by itself.
        int PlanesOf(ConvOperation conv)
        {
            if (!planes.TryGetValue(conv, out var offset))
            {
                offset = Arena(PlanesHandoffs.InputPlanes(plan, conv)!.SimdPlanes);
                planes[conv] = offset;
            }

            return offset;
        }

        foreach (var op in graph.Operations)
        {
            LayerScratch? scratch = null;
            switch (op)
            {
                case ConvOperation conv when plan.StrategyOf(conv) is LayerStrategy.SimdTable or LayerStrategy.SimdUnrolled:
                {
                    var pool = plan.FusedPoolOf(conv);
                    var g = SimdConvLayout.Geometry(conv, graph.ShapeOf(conv.Input), graph.ShapeOf(conv.Output), pool);
                    var shape = SimdConvShape.Of(g);
                    var input = SimdConvLayout.ReadsInPlace(g, conv) ? plan.Buffers.OffsetOf(conv.Input) : PlanesOf(conv);
                    // Realigned taps read one aligned vector past their run.
                    readEnd = Math.Max(readEnd, input + SimdConvLayout.MaxTapOffset(conv, g) + shape.CoveredLength + SimdConvLayout.WidestLanes);
                    var pooledTiles = plan.StrategyOf(conv) == LayerStrategy.SimdTable && pool is not null && SimdConvLayout.PoolsInRegisters(g);
                    var own = pooledTiles ? (ScratchRange?)null : Own(conv, shape.CoveredLength + (pool is null ? 0 : SimdConvLayout.PooledReadSlack));
                    var reader = plan.StrategyOf(conv) == LayerStrategy.SimdTable ? handoffs.ReaderOf(conv) : null;
                    scratch = new LayerScratch(SimdConvLayout.ReadsInPlace(g, conv) ? null : input, own, reader is null ? null : PlanesOf(reader));
                    break;
                }

                case ConvOperation conv when plan.StrategyOf(conv) is LayerStrategy.SimdChannels or LayerStrategy.SimdChannelBlocks:
                {
                    var g = SimdChannelsLayout.Geometry(conv, graph.ShapeOf(conv.Input), graph.ShapeOf(conv.Output));
                    var pooled = plan.FusedPoolOf(conv) is not null;
                    var length = SimdChannelsLayout.ScratchLength(SimdChannelsShape.Of(conv, g, pooled), pooled, plan.StoresChannelsLast(conv));
                    var input = PlanesOf(conv);
                    scratch = new LayerScratch(input, length > 0 ? Own(conv, length) : null, null);
                    break;
                }

                case DenseOperation dense when plan.StrategyOf(dense) == LayerStrategy.DenseSimd:
                {
                    // One row at a time: the wide row is the arena's, whatever the parts.
                    var length = SimdDenseLayout.PaddedOutputs(dense.OutputFeatures);
                    scratch = new LayerScratch(null, new ScratchRange(false, Arena(length), length), null);
                    break;
                }

                case DenseOperation dense when plan.StrategyOf(dense) == LayerStrategy.SparseBlocks:
                {
                    var length = plan.BlocksOf(dense).Slots.Count;
                    scratch = new LayerScratch(null, new ScratchRange(false, Arena(length), length), null);
                    break;
                }

                case DenseOperation dense when plan.StrategyOf(dense) == LayerStrategy.Unrolled && CarriesPartialSums(dense, plan.Options):
                {
                    // Four partial sums a row carried from one method to the next.
                    var rows = ShapeInference.ElementCount(graph.ShapeOf(dense.Output)) / dense.OutputFeatures;
                    scratch = new LayerScratch(null, Own(dense, 4 * rows), null);
                    break;
                }

                case PoolOperation pool when !plan.IsFusedAway(pool):
                {
                    var layout = PoolLayout.Of(pool, graph.ShapeOf(pool.Input), graph.ShapeOf(pool.Output));
                    if (!layout.IsMaxPool2x2 && !layout.GeneralLoop && layout.InLanes)
                    {
                        scratch = new LayerScratch(null, layout.ScratchLength > 0 ? Own(pool, layout.ScratchLength) : null, null);
                        readEnd = Math.Max(readEnd, plan.Buffers.OffsetOf(pool.Input) + ShapeInference.ElementCount(graph.ShapeOf(pool.Input)) + layout.ReadSlack);
                    }

                    break;
                }
            }

            if (scratch is not null)
            {
                layers[op] = scratch;
            }
        }

        return new ScratchPlan(layers, arenaLength, readEnd, threadLength);
    }

    /// <summary>
    /// Whether an unrolled fully connected layer has a row of more nonzeros than half a method holds: it is cut into several
    /// pieces, each carrying the partial sums to the next.
    /// </summary>
    public static bool CarriesPartialSums(DenseOperation dense, PlannerOptions options)
    {
        var maxTerms = MaxTermsPerPiece(options);
        var inFeatures = dense.InputFeatures;
        for (var m = 0; m < dense.OutputFeatures; m++)
        {
            var terms = 0;
            for (var k = 0; k < inFeatures; k++)
            {
                terms += dense.Weight.Data[((long)m * inFeatures) + k] != 0f ? 1 : 0;
            }

            if (terms > maxTerms)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An unrolled row's nonzero terms one piece of its method holds at most: half the method, less its fixed lines.</summary>
    public static int MaxTermsPerPiece(PlannerOptions options) => Math.Max(1, (options.MaxStatementsPerMethod / 2) - 8);
}
