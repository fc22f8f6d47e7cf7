using System;
using System.Linq;
using SparseGen.Kernels;
using static SparseGen.Runtime.Tests.LaneWidths;

namespace SparseGen.Runtime.Tests;

/// <summary>The shared loops at every lane width against plain loops written here, on odd sizes, NaN included.</summary>
public sealed class LaneKernelsTests
{
    public static TheoryData<int> Widths => LaneWidths.Supported;

    [Theory]
    [MemberData(nameof(Widths))]
    public void Max_pool_2x2_equals_a_plain_loop_and_keeps_NaN_wherever_it_is_in_a_window(int lanes) => At(lanes, new MaxPool());

    [Theory]
    [MemberData(nameof(Widths))]
    public void Pooled_rows_from_a_wide_plane_equal_relu_then_max_pool_and_write_nothing_past_the_limit(int lanes) => At(lanes, new PooledRows());

    [Theory]
    [MemberData(nameof(Widths))]
    public void Rows_from_a_wide_plane_are_copied_through_relu_and_nothing_past_the_limit_is_written(int lanes) => At(lanes, new Rows());

    [Theory]
    [MemberData(nameof(Widths))]
    public void Normalize_and_activate_equal_their_scalar_expressions(int lanes) => At(lanes, new Elementwise());

    [Theory]
    [InlineData(1, 1, 0, 0)]
    [InlineData(2, 2, 1, 1)]
    [InlineData(2, 1, 1, 0)]
    [InlineData(3, 2, 2, 1)]
    public void Pad_input_puts_each_pixel_in_its_phase_plane_and_leaves_the_borders_zero(int strideH, int strideW, int padTop, int padLeft)
    {
        const int channels = 2, height = 5, width = 7;
        var phaseHeight = (height + padTop + 2 + strideH - 1) / strideH;
        var phaseWidth = (width + padLeft + 2 + strideW - 1) / strideW;
        var phases = (1 << (strideH * strideW)) - 1;
        var x = Enumerable.Range(1, channels * height * width).Select(i => (float)i).ToArray();
        var padded = new float[channels * strideH * strideW * phaseHeight * phaseWidth];

        LaneKernels.PadInput(x, padded, channels, height, width, padTop, padLeft, strideH, strideW, phaseHeight, phaseWidth, phases);

        var expected = new float[padded.Length];
        for (var c = 0; c < channels; c++)
        {
            for (var iy = 0; iy < height; iy++)
            {
                for (var ix = 0; ix < width; ix++)
                {
                    int py = iy + padTop, px = ix + padLeft;
                    var phase = ((c * strideH) + (py % strideH)) * strideW + (px % strideW);
                    expected[(phase * phaseHeight * phaseWidth) + ((py / strideH) * phaseWidth) + (px / strideW)] = x[(((c * height) + iy) * width) + ix];
                }
            }
        }

        Assert.Equal(expected, padded);
    }

    [Fact]
    public void Copy_row_copies_every_length_exactly_and_nothing_past_it()
    {
        for (var count = 1; count <= 40; count++)
        {
            var from = Enumerable.Range(1, count).Select(i => (float)i).ToArray();
            var to = new float[count + 8];

            LaneKernels.CopyRow(ref from[0], ref to[0], count);

            Assert.Equal(from, to.Take(count));
            Assert.All(to.Skip(count), v => Assert.Equal(0f, v));
        }
    }

    private static float[] Values(int seed, int count, int nanEvery)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => nanEvery > 0 && i % nanEvery == 3 ? float.NaN : (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static float PlainMax(params float[] window) => window.Any(float.IsNaN) ? float.NaN : window.Max();

    private static void AssertSame(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : expected[i] == actual[i], $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private sealed class MaxPool : ILaneTest
    {
        public void Run<TVector, TLanes>() where TVector : struct where TLanes : struct, ILanes<TVector>
        {
            const int channels = 3, height = 9, width = 37;
            var x = Values(1, channels * height * width, nanEvery: 29);
            var y = new float[channels * (height / 2) * (width / 2)];

            LaneKernels.MaxPool2x2<TVector, TLanes>(x, y, channels, height, width);

            var expected = new float[y.Length];
            for (int c = 0, o = 0; c < channels; c++)
            {
                for (var oy = 0; oy < height / 2; oy++)
                {
                    for (var ox = 0; ox < width / 2; ox++, o++)
                    {
                        int top = ((c * height) + (2 * oy)) * width + (2 * ox), bottom = top + width;
                        expected[o] = PlainMax(x[top], x[top + 1], x[bottom], x[bottom + 1]);
                    }
                }
            }

            Assert.Contains(y, float.IsNaN);
            AssertSame(expected, y);
        }
    }

    private sealed class PooledRows : ILaneTest
    {
        public void Run<TVector, TLanes>() where TVector : struct where TLanes : struct, ILanes<TVector>
        {
            // One channel's wide plane: 6 rows of 32 (the valid 26 columns, then garbage), two vectors of slack after it.
            const int rows = 6, columns = 26, wideRowLength = 32;
            var wide = Values(2, (rows * wideRowLength) + 32, nanEvery: 23);
            const int pooledRows = rows / 2, pooledColumns = columns / 2, offset = 5;
            var limit = offset + (pooledRows * pooledColumns);
            var y = Enumerable.Repeat(-7f, limit + 20).ToArray();

            LaneKernels.StorePooledRows<TVector, TLanes>(ref wide[0], rows * wideRowLength + 32, y, offset, pooledRows, pooledColumns, wideRowLength, relu: true, limit);

            for (var py = 0; py < pooledRows; py++)
            {
                for (var px = 0; px < pooledColumns; px++)
                {
                    int top = (2 * py * wideRowLength) + (2 * px), bottom = top + wideRowLength;
                    var expected = Scalar.Relu(PlainMax(wide[top], wide[top + 1], wide[bottom], wide[bottom + 1]));
                    var actual = y[offset + (py * pooledColumns) + px];
                    Assert.True(float.IsNaN(expected) ? float.IsNaN(actual) : expected == actual, $"pooled ({py}, {px}): expected {expected}, got {actual}");
                }
            }

            Assert.All(y.Take(offset).Concat(y.Skip(limit)), v => Assert.Equal(-7f, v));
        }
    }

    private sealed class Rows : ILaneTest
    {
        public void Run<TVector, TLanes>() where TVector : struct where TLanes : struct, ILanes<TVector>
        {
            const int rows = 4, columns = 11, wideRowLength = 16, offset = 3;
            var wide = Values(3, rows * wideRowLength, nanEvery: 13);
            var limit = offset + (rows * columns);
            var y = Enumerable.Repeat(-7f, limit + 20).ToArray();

            LaneKernels.StoreRows<TVector, TLanes>(ref wide[0], y, offset, rows, columns, wideRowLength, relu: true, limit);

            var expected = Enumerable.Range(0, rows * columns).Select(i => Scalar.Relu(wide[(i / columns * wideRowLength) + (i % columns)])).ToArray();
            AssertSame(expected, y.Skip(offset).Take(rows * columns).ToArray());
            Assert.All(y.Take(offset).Concat(y.Skip(limit)), v => Assert.Equal(-7f, v));
        }
    }

    private sealed class Elementwise : ILaneTest
    {
        public void Run<TVector, TLanes>() where TVector : struct where TLanes : struct, ILanes<TVector>
        {
            var x = Values(4, 45, nanEvery: 11);
            var normalized = new float[x.Length];
            var relu = new float[x.Length];
            var clipped = new float[x.Length];

            LaneKernels.NormalizeLanes<TVector, TLanes>(x, normalized, 0.25f, 1.5f, -0.5f);
            LaneKernels.ActivateLanes<TVector, TLanes>(x, relu, relu: true, 0f, 0f);
            LaneKernels.ActivateLanes<TVector, TLanes>(x, clipped, relu: false, -1f, 0.5f);

            AssertSame(x.Select(v => (v - 0.25f) * 1.5f + -0.5f).ToArray(), normalized);
            AssertSame(x.Select(Scalar.Relu).ToArray(), relu);
            AssertSame(x.Select(v => Scalar.Clip(v, -1f, 0.5f)).ToArray(), clipped);
        }
    }
}
