using System;
using System.Linq;
using System.Runtime.InteropServices;
using SparseGen.Kernels;

namespace SparseGen.Runtime.Tests;

public sealed class ScalarAndArraysTests
{
    [Theory]
    [InlineData(float.NaN, 1f, float.NaN)]
    [InlineData(1f, float.NaN, float.NaN)]
    [InlineData(float.NaN, float.NaN, float.NaN)]
    [InlineData(float.NegativeInfinity, -3f, -3f)]
    [InlineData(2f, float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData(5f, 4f, 5f)]
    public void Max_step_is_NaN_where_either_is_and_the_larger_otherwise(float current, float candidate, float expected) =>
        Assert.Equal(expected, Scalar.MaxStep(current, candidate));

    [Theory]
    [InlineData(float.NaN, float.NaN)]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData(-2f, 0f)]
    [InlineData(3f, 3f)]
    public void Relu_keeps_NaN_and_infinity(float value, float expected) => Assert.Equal(expected, Scalar.Relu(value));

    [Fact]
    public void Sum_in_double_is_the_exact_sum_of_floats_that_fit_a_double()
    {
        var values = Enumerable.Range(1, 1001).Select(i => i * 0.5f).ToArray();

        Assert.Equal(values.Sum(v => (double)v), Scalar.SumInDouble(values));
        Assert.Equal(0.0, Scalar.SumInDouble(ReadOnlySpan<float>.Empty));
    }

    [Fact]
    public void Aligned_arrays_start_their_aligned_span_on_a_64_byte_boundary()
    {
        for (var length = 1; length < 40; length += 7)
        {
            var array = AlignedArrays.New(length);
            var copy = AlignedArrays.Copy(Enumerable.Range(0, length).Select(i => (float)i).ToArray());

            Assert.True(AlignedArrays.AlignedStart(array) + length <= array.Length);
            Assert.Equal(0, Address(ref AlignedArrays.AlignedReference(array)) % 64);
            Assert.Equal(0, Address(ref AlignedArrays.AlignedReference(copy)) % 64);
            Assert.Equal(Enumerable.Range(0, length).Select(i => (float)i), copy.AsSpan(AlignedArrays.AlignedStart(copy), length).ToArray());
        }
    }

    [Fact]
    public void Samples_go_into_their_lane_of_the_group_arena_and_come_back()
    {
        var group = new float[5 * BatchLanes.MaxGroup + 3];
        var sample = new[] { 1f, 2f, 3f, 4f, 5f };
        var back = new float[5];

        BatchLanes.ToLanes(sample, group, 3, 7);
        BatchLanes.FromLanes(group, 3, 7, back);

        Assert.Equal(sample, back);
        Assert.Equal(4f, group[3 + (3 * BatchLanes.MaxGroup) + 7]);
        BatchLanes.ClearLane(group, 3, 5, 7);
        Assert.All(group, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Span_length_message_names_the_lengths_and_the_shape()
    {
        Assert.Equal("input holds 3 floats but one sample of shape [1×2×2] needs 4", SpanLengths.Message("input", 3, 1, 4, "[1×2×2]"));
        Assert.Equal("outputs holds 8 floats but a batch of 3 samples of shape [10] needs 30", SpanLengths.Message("outputs", 8, 3, 10, "[10]"));
    }

    private static unsafe long Address(ref float value)
    {
        fixed (float* pointer = &value)
        {
            return (long)pointer;
        }
    }
}
