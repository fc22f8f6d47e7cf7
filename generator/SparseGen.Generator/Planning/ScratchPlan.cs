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
        var placer = new Placer(plan, handoffs);
        var layers = new Dictionary<Operation, LayerScratch>(ReferenceComparer.Instance);
        foreach (var op in plan.Graph.Operations)
        {
            if (placer.Place(op) is { } scratch)
            {
                layers[op] = scratch;
            }
        }

        return new ScratchPlan(layers, placer.ArenaLength, placer.ReadEnd, placer.ThreadLength);
    }

    /// <summary>Places ranges one after another: in the arena after the values, in the per-thread scratch, and the read slack.</summary>
    private sealed class Placer
    {
        private readonly KernelPlan _plan;
        private readonly PlanesHandoffs _handoffs;
        private readonly Dictionary<Operation, int> _planes = new(ReferenceComparer.Instance);

        public Placer(KernelPlan plan, PlanesHandoffs handoffs)
        {
            _plan = plan;
            _handoffs = handoffs;
            ArenaLength = plan.Buffers.ArenaLength;
        }

        public int ArenaLength { get; private set; }

        public int ThreadLength { get; private set; }

        /// <summary>How far past the arena's start SIMD loads may read.</summary>
        public int ReadEnd { get; private set; }

        private ModelGraph Graph => _plan.Graph;

        /// <summary>The scratch of <paramref name="op"/>'s kernel, placed now; null where it keeps none.</summary>
        public LayerScratch? Place(Operation op) => op switch
        {
            ConvOperation conv when _plan.StrategyOf(conv) is LayerStrategy.SimdTable or LayerStrategy.SimdUnrolled => SimdConv(conv),
            ConvOperation conv when _plan.StrategyOf(conv) is LayerStrategy.SimdChannels or LayerStrategy.SimdChannelBlocks => SimdChannels(conv),
            // One row at a time: the wide row is the arena's, whatever the parts.
            DenseOperation dense when _plan.StrategyOf(dense) == LayerStrategy.DenseSimd => InArena(SimdDenseLayout.PaddedOutputs(dense.OutputFeatures)),
            DenseOperation dense when _plan.StrategyOf(dense) == LayerStrategy.SparseBlocks => InArena(_plan.BlocksOf(dense).Slots.Count),
            // Four partial sums a row carried from one method to the next.
            DenseOperation dense when _plan.StrategyOf(dense) == LayerStrategy.Unrolled && CarriesPartialSums(dense, _plan.Options) =>
                new LayerScratch(null, Own(dense, 4 * (ShapeInference.ElementCount(Graph.ShapeOf(dense.Output)) / dense.OutputFeatures)), null),
            PoolOperation pool when !_plan.IsFusedAway(pool) => Pool(pool),
            _ => null,
        };

        private LayerScratch SimdConv(ConvOperation conv)
        {
            var pool = _plan.FusedPoolOf(conv);
            var g = SimdConvLayout.Geometry(conv, Graph.ShapeOf(conv.Input), Graph.ShapeOf(conv.Output), pool);
            var shape = SimdConvShape.Of(g);
            var input = SimdConvLayout.ReadsInPlace(g, conv) ? _plan.Buffers.OffsetOf(conv.Input) : PlanesOf(conv);
            // Realigned taps read one aligned vector past their run.
            ReadEnd = Math.Max(ReadEnd, input + SimdConvLayout.MaxTapOffset(conv, g) + shape.CoveredLength + SimdConvLayout.WidestLanes);
            var pooledTiles = _plan.StrategyOf(conv) == LayerStrategy.SimdTable && pool is not null && SimdConvLayout.PoolsInRegisters(g);
            var own = pooledTiles ? (ScratchRange?)null : Own(conv, shape.CoveredLength + (pool is null ? 0 : SimdConvLayout.PooledReadSlack));
            var reader = _plan.StrategyOf(conv) == LayerStrategy.SimdTable ? _handoffs.ReaderOf(conv) : null;
            return new LayerScratch(SimdConvLayout.ReadsInPlace(g, conv) ? null : input, own, reader is null ? null : PlanesOf(reader));
        }

        private LayerScratch SimdChannels(ConvOperation conv)
        {
            var g = SimdChannelsLayout.Geometry(conv, Graph.ShapeOf(conv.Input), Graph.ShapeOf(conv.Output));
            var pooled = _plan.FusedPoolOf(conv) is not null;
            var length = SimdChannelsLayout.ScratchLength(SimdChannelsShape.Of(conv, g, pooled), pooled, _plan.StoresChannelsLast(conv));
            var input = PlanesOf(conv);
            return new LayerScratch(input, length > 0 ? Own(conv, length) : null, null);
        }

        private LayerScratch? Pool(PoolOperation pool)
        {
            var layout = PoolLayout.Of(pool, Graph.ShapeOf(pool.Input), Graph.ShapeOf(pool.Output));
            if (layout.IsMaxPool2x2 || layout.GeneralLoop || !layout.InLanes)
            {
                return null;
            }

            var scratch = new LayerScratch(null, layout.ScratchLength > 0 ? Own(pool, layout.ScratchLength) : null, null);
            ReadEnd = Math.Max(ReadEnd, _plan.Buffers.OffsetOf(pool.Input) + ShapeInference.ElementCount(Graph.ShapeOf(pool.Input)) + layout.ReadSlack);
            return scratch;
        }

        private LayerScratch InArena(int length) => new(null, new ScratchRange(false, Arena(length), length), null);

        private int Arena(int length)
        {
            var offset = BufferPlan.Align(ArenaLength);
            ArenaLength = offset + length;
            return offset;
        }

        /// <summary>The layer's own range: in the arena, or in each thread's scratch where its parts run side by side.</summary>
        private ScratchRange Own(Operation op, int length)
        {
            if (!_plan.RunsInParts(op))
            {
                return new ScratchRange(false, Arena(length), length);
            }

            var offset = BufferPlan.Align(ThreadLength);
            ThreadLength = offset + length;
            return new ScratchRange(true, offset, length);
        }

        /// <summary>A reading convolution's planes, placed when first used: by the convolution that fills them, or by itself.</summary>
        private int PlanesOf(ConvOperation conv)
        {
            if (!_planes.TryGetValue(conv, out var offset))
            {
                offset = Arena(PlanesHandoffs.InputPlanes(_plan, conv)!.SimdPlanes);
                _planes[conv] = offset;
            }

            return offset;
        }
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
