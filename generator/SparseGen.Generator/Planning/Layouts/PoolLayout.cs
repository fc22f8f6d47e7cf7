using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// The layout of a max or average pool: its outputs in rectangles of windows that take the same taps (the inside one,
/// edges, corners), the inside one in SIMD lanes where the strides allow, through a wide plane of the layer's own
/// scratch where its rows are not the output's.
/// </summary>
internal sealed class PoolLayout
{
    /// <summary>Windows of more taps than this keep the general loop: unrolled, one window would make a long method.</summary>
    public const int MaxUnrolledTaps = 64;

    /// <summary>Unrolled taps over all rectangles of a layer at most (a 3×3 window with padding 1 has 9 rectangles, 49 taps).</summary>
    public const int MaxUnrolledStatements = 1024;

    private PoolLayout(PoolShape shape, bool isMaxPool2x2, IReadOnlyList<WindowRectangle> rectangles, bool generalLoop, WindowRectangle? inside, bool inLanes, InsideLanes insideLanes)
    {
        Shape = shape;
        IsMaxPool2x2 = isMaxPool2x2;
        Rectangles = rectangles;
        GeneralLoop = generalLoop;
        Inside = inside;
        InLanes = inLanes;
        InsideLanes = insideLanes;
    }

    public PoolShape Shape { get; }

    /// <summary>A 2×2, stride-2 max pool with no padding that halves the plane: the shared lane loop computes it.</summary>
    public bool IsMaxPool2x2 { get; }

    public IReadOnlyList<WindowRectangle> Rectangles { get; }

    /// <summary>Windows too large to unroll: one general loop with bounds tests.</summary>
    public bool GeneralLoop { get; }

    /// <summary>The rectangle of windows wholly inside the input, or null.</summary>
    public WindowRectangle? Inside { get; }

    /// <summary>Whether the inside windows run in SIMD lanes (equal strides of 1 or 2).</summary>
    public bool InLanes { get; }

    public InsideLanes InsideLanes { get; }

    /// <summary>Floats of the layer's own scratch: the wide plane of the inside windows where it is not the output itself.</summary>
    public int ScratchLength => InLanes && !InsideLanes.Direct ? InsideLanes.Length + InsideLanes.MaxLanes : 0;

    /// <summary>Floats past its input that the lanes may read: the last vector of a wide plane, and a stride-2 tap's two vectors.</summary>
    public int ReadSlack => InLanes ? 3 * InsideLanes.MaxLanes : 0;

    public static PoolLayout Of(PoolOperation pool, int[] inputShape, int[] outputShape)
    {
        var s = PoolShape.Of(pool, inputShape, outputShape);
        var isMaxPool2x2 = pool.Kind == PoolKind.Max && s.KernelH == 2 && s.KernelW == 2 && s.StrideH == 2 && s.StrideW == 2 && s.DilationH == 1 && s.DilationW == 1
            && pool.Pads.All(p => p == 0) && s.OutHeight == s.Height / 2 && s.OutWidth == s.Width / 2;
        // Outputs whose windows take the same taps form rectangles (the inside one, edges, corners): each is a loop over
        // its outputs with the taps unrolled at fixed offsets and no bounds test. Very large windows keep the general loop.
        var rectangles = (from rows in AxisRuns(s.OutHeight, s.KernelH, s.StrideH, s.DilationH, s.PadTop, s.Height, s.Height + pool.Pads[2])
                          from columns in AxisRuns(s.OutWidth, s.KernelW, s.StrideW, s.DilationW, s.PadLeft, s.Width, s.Width + pool.Pads[3])
                          select new WindowRectangle(rows, columns)).ToList();
        var generalLoop = s.KernelH * s.KernelW > MaxUnrolledTaps || rectangles.Sum(rectangle => rectangle.TapCount) > MaxUnrolledStatements;
        var inside = rectangles.FirstOrDefault(rectangle => rectangle.TapCount == s.KernelH * s.KernelW);
        var inLanes = !generalLoop && inside is not null && s.StrideH == s.StrideW && s.StrideH is 1 or 2;
        return new PoolLayout(s, isMaxPool2x2, rectangles, generalLoop, inside, inLanes, inLanes ? InsideLanes.Of(inside!, s.Width, s.StrideH, s.OutWidth) : default);
    }

    /// <summary>The outputs of an axis in runs of equal tap sets: before the inside ones (padding cuts taps), inside, after.</summary>
    public static List<AxisRun> AxisRuns(int outputs, int kernel, int stride, int dilation, int padBegin, int input, int paddedLimit)
    {
        var runs = new List<AxisRun>();
        for (var o = 0; o < outputs; o++)
        {
            var first = (o * stride) - padBegin;
            var taps = Enumerable.Range(0, kernel).Where(k => first + (k * dilation) >= 0 && first + (k * dilation) < input).ToArray();
            var padded = TapsBefore(first, kernel, dilation, paddedLimit);
            if (runs.Count > 0 && runs[runs.Count - 1].Taps.SequenceEqual(taps) && runs[runs.Count - 1].PaddedTaps == padded)
            {
                runs[runs.Count - 1] = runs[runs.Count - 1] with { End = o + 1 };
            }
            else
            {
                runs.Add(new AxisRun(o, o + 1, taps, padded));
            }
        }

        return runs;
    }

    /// <summary>How many of the taps start, start + dilation, … lie before <paramref name="limit"/>.</summary>
    public static int TapsBefore(int start, int kernel, int dilation, int limit)
    {
        var count = 0;
        for (var k = 0; k < kernel && start + (k * dilation) < limit; k++)
        {
            count++;
        }

        return count;
    }
}

/// <summary>A pool's sizes: [channels × height × width] in, [channels × outHeight × outWidth] out, and its window.</summary>
internal readonly record struct PoolShape(
    int Channels, int Height, int Width, int OutHeight, int OutWidth, int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW, int PadTop, int PadLeft)
{
    public static PoolShape Of(PoolOperation pool, int[] input, int[] output)
    {
        return new PoolShape(
            input[0], input[1], input[2], output[1], output[2], pool.Kernel[0], pool.Kernel[1], pool.Strides[0], pool.Strides[1],
            pool.Dilations[0], pool.Dilations[1], pool.Pads[0], pool.Pads[1]);
    }
}

/// <summary>One axis's outputs [Start, End) whose windows take the same taps (and cover the same padded taps).</summary>
internal sealed record AxisRun(int Start, int End, int[] Taps, int PaddedTaps);

/// <summary>Outputs of a rectangle of rows and columns runs: their windows take the same taps at the same offsets.</summary>
internal sealed record WindowRectangle(AxisRun Rows, AxisRun Columns)
{
    public int TapCount => Rows.Taps.Length * Columns.Taps.Length;
}

/// <summary>
/// Where the inside windows go in SIMD lanes (equal strides of 1 or 2): output (oy, ox) is number q = oy·W + ox of a
/// wide plane whose rows have the input's width W, and tap (ky, kx) reads the input at stride·q + offset(ky, kx), one
/// contiguous run (stride 1) or the even lanes of two (stride 2) for consecutive q. The lanes run over q from the
/// first inside output to the last; those that fall on a column outside the rectangle compute garbage from inside the
/// plane.
/// </summary>
internal readonly record struct InsideLanes(int Start, int End, bool Direct)
{
    /// <summary>The widest lanes of the generated code (Vector512): reads run at most this far past the input.</summary>
    public const int MaxLanes = 16;

    public int Length => End - Start;

    public static InsideLanes Of(WindowRectangle inside, int width, int stride, int outWidth) =>
        // With stride 1 and as many output columns as input ones, q is the output's own index: the lanes store straight
        // into the output plane, garbage landing on border outputs that the other rectangles write afterwards.
        new((inside.Rows.Start * width) + inside.Columns.Start, ((inside.Rows.End - 1) * width) + inside.Columns.End, Direct: stride == 1 && outWidth == width);
}
