using System;
using System.Linq;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Tests.Passes;

/// <summary>Small IR graphs with seeded random weights, and the equality check every pass test ends with.</summary>
internal static class TestGraphs
{
    public const string Input = "input";

    public static ModelGraph Create(int[] inputShape, string output, params Operation[] operations) =>
        ModelGraph.Create(Input, inputShape, operations, output, ModelInfo.Empty);

    public static Tensor RandomTensor(Random random, params int[] shape) =>
        new(shape, RandomVector(random, shape.Aggregate(1, (count, dim) => count * dim)));

    public static float[] RandomVector(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

    public static ConvOperation Conv(string name, string input, Tensor weight, float[]? bias, int pad = 0, Activation activation = default) =>
        new(name, input, name, weight, bias, 1, new[] { 1, 1 }, new[] { pad, pad, pad, pad }, new[] { 1, 1 }, activation);

    public static DenseOperation Dense(string name, string input, Tensor weight, float[]? bias, Activation activation = default) =>
        new(name, input, name, weight, bias, activation);

    public static ActivationOperation Relu(string name, string input) => new(name, input, name, Activation.Relu);

    public static PoolOperation MaxPool(string name, string input, int size, int pad = 0) =>
        new(name, input, name, PoolKind.Max, new[] { size, size }, new[] { size, size }, new[] { pad, pad, pad, pad }, new[] { 1, 1 }, false, false);

    public static ReshapeOperation Flatten(string name, string input) => new(name, input, name, new[] { -1 });

    /// <summary>A copy of <paramref name="weight"/> with every weight of output row <paramref name="row"/> zero.</summary>
    public static Tensor WithZeroRow(Tensor weight, int row)
    {
        var data = (float[])weight.Data.Clone();
        var rowLength = data.Length / weight.Shape[0];
        Array.Clear(data, row * rowLength, rowLength);
        return new Tensor(weight.Shape, data);
    }

    /// <summary>A copy of a [M, C, ...] weight with every weight that reads input channel <paramref name="channel"/> zero.</summary>
    public static Tensor WithZeroInputChannel(Tensor weight, int channel)
    {
        var data = (float[])weight.Data.Clone();
        var perChannel = data.Length / (weight.Shape[0] * weight.Shape[1]);
        for (var output = 0; output < weight.Shape[0]; output++)
        {
            Array.Clear(data, ((output * weight.Shape[1]) + channel) * perChannel, perChannel);
        }

        return new Tensor(weight.Shape, data);
    }

    public static T Single<T>(ModelGraph graph)
        where T : Operation => graph.Operations.OfType<T>().Single();

    public static T Named<T>(ModelGraph graph, string name)
        where T : Operation => graph.Operations.OfType<T>().Single(op => op.Name == name);

    /// <summary>Both graphs give the same output on seeded random inputs, to float rounding.</summary>
    public static void AssertSameFunction(ModelGraph expected, ModelGraph actual, int batch = 3, int seed = 7)
    {
        Assert.Equal(expected.OutputName, actual.OutputName);
        Assert.Equal(expected.OutputShape, actual.OutputShape);
        var input = RandomVector(new Random(seed), expected.InputLength * batch);
        var want = ReferenceEvaluator.Run(expected, input, batch);
        var got = ReferenceEvaluator.Run(actual, input, batch);
        Assert.Equal(want.Length, got.Length);
        var maxDifference = want.Zip(got, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDifference <= 1e-4f, $"outputs differ by up to {maxDifference}");
    }
}
