using System;
using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// The layout of a convolution with output channels in SIMD lanes (channels in lanes, channel blocks): zero-bordered
/// planes with rows as long as the padded input's, tiles of P pixels of a row, and the scratch a tile's vectors pass
/// through on their way to the channel planes.
/// </summary>
internal static class SimdChannelsLayout
{
    /// <summary>Output channels per block of the weight table: the widest lanes, so every narrower width reads whole vectors.</summary>
    public const int Block = OutputBlocks.Size;

    /// <summary>The geometry of the zero-bordered planes the kernel reads its input from: rows as long as the padded input's.</summary>
    public static ConvGeometry Geometry(ConvOperation conv, int[] inputShape, int[] outputShape) => new(conv, inputShape, outputShape);

    /// <summary>
    /// Floats of the layer's own scratch: a tile's vectors (pixels × 16 channels, both rows of a pooled tile) on their way
    /// to the channel planes; stored channels last, only a pooled tile's top row waits there, and without a pool nothing.
    /// </summary>
    public static int ScratchLength(SimdChannelsShape shape, bool pooled, bool channelsLast) =>
        channelsLast ? (pooled ? shape.Pixels / 2 * Block : 0) : shape.Pixels * Block * (pooled ? 2 : 1);
}

/// <summary>How a channels-in-lanes convolution is tiled.</summary>
/// <param name="Pixels">P: output pixels of one row per tile, one vector of accumulators each (even when a pool is fused).</param>
/// <param name="Tiles">Tiles per output row; the last one starts at <see cref="Covered"/> − P and may overlap the one before (it writes the same values).</param>
/// <param name="Covered">The columns the tiles cover: the output width, or its even part when a 2×2 pool is fused.</param>
/// <param name="Windows">The kernel positions (kh · kW + kw) with a nonzero weight in some channel.</param>
internal sealed record SimdChannelsShape(int Pixels, int Tiles, int Covered, IReadOnlyList<int> Windows)
{
    /// <summary>14 accumulators with the weight vector and a broadcast fill AVX2's 16 registers.</summary>
    public const int MaxPixels = 14;

    /// <summary>Multiply-add statements per input channel step stay below this, so the loop body stays small for the JIT.</summary>
    private const int MaxStatementsPerChannel = 512;

    public static SimdChannelsShape Of(ConvOperation conv, ConvGeometry g, bool pooled)
    {
        var windows = ConvWeights.PositionsInUse(conv);
        var most = Math.Max(1, Math.Min(MaxPixels, MaxStatementsPerChannel / Math.Max(1, windows.Count)));
        var covered = pooled ? g.OutputWidth / 2 * 2 : g.OutputWidth;
        if (pooled)
        {
            // Pixel pairs stay in one tile: even tile widths starting at even columns.
            most = Math.Max(2, most / 2 * 2);
        }

        var tiles = Math.Max(1, (covered + most - 1) / most);
        var pixels = Math.Max(1, Math.Min(covered, (covered + tiles - 1) / tiles));
        if (pooled && pixels % 2 == 1)
        {
            pixels++;
        }

        return new SimdChannelsShape(pixels, tiles, covered, windows);
    }
}
