using System;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// The layout of a convolution with output pixels in SIMD lanes (the SIMD sparse table and SIMD unrolled strategies):
/// its zero-bordered phase planes, its wide plane cut into strips of K vectors, and what a fused 2×2 max pool needs.
/// The planner sizes the arena from it and the emitter writes the kernel over it.
/// </summary>
internal static class SimdConvLayout
{
    /// <summary>The widest lanes a strip is sized for; narrower widths take more strips of the same K vectors.</summary>
    public const int WidestLanes = 16;

    /// <summary>K at most: the accumulators a strip keeps in registers.</summary>
    public const int MaxAccumulators = CostModel.MaxConvAccumulators;

    /// <summary>
    /// Floats past the wide plane that a fused pool's vectors may read, so that its last pooled row runs in lanes too:
    /// its last vector reads up to two vectors of pairs from a row's start.
    /// </summary>
    public const int PooledReadSlack = 2 * WidestLanes;

    /// <summary>The geometry of the kernel's planes and wide plane: rows aligned for a fused pool (<see cref="PooledRowAlignment"/>).</summary>
    public static ConvGeometry Geometry(ConvOperation conv, int[] inputShape, int[] outputShape, PoolOperation? pool) =>
        new(conv, inputShape, outputShape, PooledRowAlignment(conv, inputShape, outputShape, pool));

    /// <summary>
    /// Whether the taps read the input where it is: with no padding and stride 1 (a 1×1 convolution, say) the zero-bordered
    /// copy would have the input's own layout.
    /// </summary>
    public static bool ReadsInPlace(ConvGeometry g, ConvOperation conv) => g.Phases == 1 && conv.Pads.All(pad => pad == 0);

    /// <summary>
    /// Whether a fused pool is taken in registers (the pooled tiles of SimdConvKernelEmitter): rows of whole 32-float pairs of widest
    /// vectors, so that a tile's two vectors of a row are a pool window's columns at every width and every run of a tap
    /// keeps its residue.
    /// </summary>
    public static bool PoolsInRegisters(ConvGeometry g) => g.PhaseWidth % (2 * WidestLanes) == 0 && g.OutputHeight >= 2 && g.OutputWidth >= 2;

    /// <summary>
    /// With a fused pool, the wide plane's rows start on a 64-byte line where that costs at most an eighth more columns:
    /// the pooled rows' vector loads then never split a line (conv1 of the Fashion-MNIST CNNs, rows of 30 floats made 32:
    /// 1.24 → 1.15 µs in `layers`, the extra columns computed and dropped included).
    /// </summary>
    private static int PooledRowAlignment(ConvOperation conv, int[] inputShape, int[] outputShape, PoolOperation? pool)
    {
        var natural = new ConvGeometry(conv, inputShape, outputShape).NaturalPhaseWidth;
        var aligned = (natural + WidestLanes - 1) / WidestLanes * WidestLanes;
        // Without padding the taps read the input where it is, in rows of its own width.
        var padded = conv.Pads.Any(p => p != 0);
        return pool is not null && padded && conv.Strides.All(s => s == 1) && (aligned - natural) * 8 <= natural ? WidestLanes : 1;
    }

    /// <summary>The largest offset a tap of <paramref name="conv"/> reads its planes at, from a strip's start.</summary>
    public static int MaxTapOffset(ConvOperation conv, ConvGeometry g) =>
        Enumerable.Range(0, conv.OutputChannels).SelectMany(g.TapsOf).Select(g.SimdOffset).DefaultIfEmpty(0).Max();
}

/// <summary>How one output channel's wide plane is cut into strips of K vectors.</summary>
/// <param name="WideLength">Wide pixels of one output channel: output rows × phase width.</param>
/// <param name="Accumulators">K: vectors per strip.</param>
/// <param name="CoveredLength">The wide length rounded up to whole strips of the widest lanes (and so of every narrower width).</param>
internal readonly record struct SimdConvShape(int WideLength, int Accumulators, int CoveredLength)
{
    public static SimdConvShape Of(ConvGeometry g)
    {
        var wideLength = g.OutputHeight * g.PhaseWidth;
        var vectors = Math.Max(1, (wideLength + SimdConvLayout.WidestLanes - 1) / SimdConvLayout.WidestLanes);
        var strips = (vectors + SimdConvLayout.MaxAccumulators - 1) / SimdConvLayout.MaxAccumulators;
        var accumulators = (vectors + strips - 1) / strips;
        var strip = accumulators * SimdConvLayout.WidestLanes;
        return new SimdConvShape(wideLength, accumulators, (wideLength + strip - 1) / strip * strip);
    }

    /// <summary>Strips per output channel at <paramref name="lanes"/> floats a vector.</summary>
    public int Strips(int lanes) => (WideLength + (Accumulators * lanes) - 1) / (Accumulators * lanes);
}
