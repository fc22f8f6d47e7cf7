using System;
using System.Linq;
using SparseGen.Kernels;
using static SparseGen.Runtime.Tests.LaneWidths;

namespace SparseGen.Runtime.Tests;

/// <summary>
/// Every lane width's operations against the one-lane rules they stand for, lane by lane, on values that include NaN,
/// ±∞, ±0 and numbers on both sides of each other: a kernel computes the same numbers at every width.
/// </summary>
public sealed class LanesTests
{
    /// <summary>Pairs of values to combine: ordinary numbers and every special value against every other.</summary>
    private static readonly float[] Specials = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1.5f, -2.25f, 3e38f, -1e-30f, 7f };

    private static float[] Left(int count) => Enumerable.Range(0, count).Select(i => Specials[i % Specials.Length]).ToArray();

    private static float[] Right(int count) => Enumerable.Range(0, count).Select(i => Specials[i / Specials.Length % Specials.Length]).ToArray();

    public static TheoryData<int> Widths => LaneWidths.Supported;

    [Theory]
    [MemberData(nameof(Widths))]
    public void Relu_Clip_and_MaxOf_give_the_one_lane_rules_NaN_included(int lanes) => At(lanes, new ElementwiseRules());

    [Theory]
    [MemberData(nameof(Widths))]
    public void Multiply_add_and_sum_are_those_of_floats(int lanes) => At(lanes, new Arithmetic());

    [Theory]
    [MemberData(nameof(Widths))]
    public void Even_Odd_and_KeepFirst_pick_the_lanes_they_name(int lanes) => At(lanes, new Shuffles());

    [Theory]
    [MemberData(nameof(Widths))]
    public void Realign_of_the_covering_vectors_is_the_run_at_every_residue(int lanes) => At(lanes, new Realignment());

    /// <summary>Runs <paramref name="operation"/> over <paramref name="count"/> pairs a vector at a time.</summary>
    private static float[] Map<TVector, TLanes>(float[] left, float[] right, Func<TLanes, TVector, TVector, TVector> operation)
        where TVector : struct where TLanes : struct, ILanes<TVector>
    {
        TLanes lanes = default;
        var result = new float[left.Length];
        for (var i = 0; i < left.Length; i += lanes.Count)
        {
            var value = operation(lanes, Vector<TVector>(left, i), Vector<TVector>(right, i));
            Floats(value).CopyTo(result, i);
        }

        return result;
    }

    private static void AssertSameFloats(float[] expected, float[] actual, string what)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            var same = float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : expected[i] == actual[i];
            Assert.True(same, $"{what}, lane {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private sealed class ElementwiseRules : ILaneTest
    {
        public void Run<TVector, TLanes>() where TVector : struct where TLanes : struct, ILanes<TVector>
        {
            var count = Specials.Length * Specials.Length * 16;
            var left = Left(count);
            var right = Right(count);

            var relu = Map<TVector, TLanes>(left, right, (lanes, a, _) => lanes.Relu(a));
            var max = Map<TVector, TLanes>(left, right, (lanes, a, b) => lanes.MaxOf(a, b));
            var clip = Map<TVector, TLanes>(left, right, (lanes, a, _) => lanes.Clip(a, lanes.Splat(-1f), lanes.Splat(2f)));

            AssertSameFloats(left.Select(Scalar.Relu).ToArray(), relu, "Relu");
            AssertSameFloats(left.Select(v => Scalar.Clip(v, -1f, 2f)).ToArray(), clip, "Clip");
            AssertSameFloats(left.Zip(right, Scalar.MaxStep).ToArray(), max, "MaxOf");
            // NaN wins from either side.
            Assert.All(Enumerable.Range(0, count).Where(i => float.IsNaN(left[i]) || float.IsNaN(right[i])), i => Assert.True(float.IsNaN(max[i])));
        }
    }

    private sealed class Arithmetic : ILaneTest
    {
        public void Run<TVector, TLanes>() where TVector : struct where TLanes : struct, ILanes<TVector>
        {
            var random = new Random(3);
            var count = 64;
            var a = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var b = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();

            var sum = Map<TVector, TLanes>(a, b, (lanes, x, y) => lanes.Add(x, y));
            var product = Map<TVector, TLanes>(a, b, (lanes, x, y) => lanes.Multiply(x, y));
            var fused = Map<TVector, TLanes>(a, b, (lanes, x, y) => lanes.MultiplyAdd(x, y, x));

            AssertSameFloats(a.Zip(b, (x, y) => x + y).ToArray(), sum, "Add");
            AssertSameFloats(a.Zip(b, (x, y) => x * y).ToArray(), product, "Multiply");
            // Fused or not, within a rounding step of the exact result.
            Assert.All(Enumerable.Range(0, count), i => Assert.Equal((double)a[i] * b[i] + a[i], fused[i], 1e-6));
        }
    }

    private sealed class Shuffles : ILaneTest
    {
        public void Run<TVector, TLanes>() where TVector : struct where TLanes : struct, ILanes<TVector>
        {
            TLanes lanes = default;
            var n = lanes.Count;
            var values = Enumerable.Range(0, 2 * n).Select(i => (float)i).ToArray();
            var low = Vector<TVector>(values, 0);
            var high = Vector<TVector>(values, n);

            Assert.Equal(Enumerable.Range(0, n).Select(i => (float)(2 * i)), Floats(lanes.Even(low, high)));
            Assert.Equal(Enumerable.Range(0, n).Select(i => (float)(2 * i + 1)), Floats(lanes.Odd(low, high)));
            for (var keep = 0; keep <= n; keep++)
            {
                Assert.Equal(Enumerable.Range(0, n).Select(i => i < keep ? (float)i : 0f), Floats(lanes.KeepFirst(low, keep)));
            }
        }
    }

    private sealed class Realignment : ILaneTest
    {
        public void Run<TVector, TLanes>() where TVector : struct where TLanes : struct, ILanes<TVector>
        {
            TLanes lanes = default;
            var n = lanes.Count;
            // A run starting residue floats past a 64-byte boundary (aligned here by construction: index 16 of a pinned,
            // aligned array), its vectors k = 0, 1, 2 built from covering vectors k and k + 1.
            var array = AlignedArrays.New(64);
            var start = AlignedArrays.AlignedStart(array);
            for (var i = 0; i < 64; i++)
            {
                array[start + i] = i;
            }

            ref var boundary = ref array[start];
            for (var residue = 0; residue < 16; residue++)
            {
                for (var k = 0; k < 2; k++)
                {
                    var low = lanes.LoadCovering(ref boundary, residue, k);
                    var high = lanes.LoadCovering(ref boundary, residue, k + 1);
                    var run = Floats(lanes.Realign(low, high, ref boundary, residue, k));
                    Assert.Equal(Enumerable.Range(residue + (k * n), n).Select(i => (float)i), run);
                }
            }
        }
    }
}
