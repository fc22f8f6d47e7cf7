using System;
using System.Linq;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
using SparseGen.Model.Tests.Evaluation;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Conformance;

/// <summary>Each supported op, imported and evaluated by SparseGen, equals ONNX Runtime on the same file.</summary>
public sealed class OpConformanceTests
{
    private const float Tolerance = 1e-4f;
    private const int Batch = 3;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluator_matches_onnx_runtime(string name)
    {
        var (graph, input, expected) = Prepare(name);

        var actual = ReferenceEvaluator.Run(graph, input, Batch);

        AssertClose(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Optimized_graph_matches_onnx_runtime(string name)
    {
        var (graph, input, expected) = Prepare(name);

        var actual = ReferenceEvaluator.Run(GraphOptimizer.Optimize(graph), input, Batch);

        AssertClose(expected, actual);
    }

    /// <summary>
    /// NaN, ±∞, huge values and −0 go through every op as ONNX Runtime takes them, but for max pooling, where the reference
    /// follows PyTorch and IEEE 754's maximum: ONNX Runtime keeps a NaN only where it is the last element its loop visits,
    /// and gives float.MinValue for a window of −∞ alone. Its cases are compared on the samples without NaN, with the
    /// reference's −∞ read as float.MinValue; <see cref="ReferenceEvaluatorTests"/> pins the NaN rule.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluator_matches_onnx_runtime_on_NaN_infinities_and_huge_values(string name)
    {
        var (graph, bytes) = Load(name);
        const int batch = SpecialValues.SampleKinds * 2;
        var input = SpecialValues.Inputs(Seed(name), batch, graph.InputLength);

        var expected = OnnxRuntimeOracle.Run(bytes, input, new[] { batch }.Concat(graph.InputShape).ToArray());
        var actual = ReferenceEvaluator.Run(graph, input, batch);
        var optimized = ReferenceEvaluator.Run(GraphOptimizer.Optimize(graph), input, batch);

        var maxPool = name.StartsWith("MaxPool", StringComparison.Ordinal);
        var compared = Enumerable.Range(0, batch).Where(sample => !maxPool || !SpecialValues.HasNaN(sample)).ToArray();
        float[] AsOnnxRuntime(float[] values) =>
            Samples(values, compared, graph.OutputLength).Select(v => maxPool && float.IsNegativeInfinity(v) ? float.MinValue : v).ToArray();
        SpecialValues.AssertClose(Samples(expected, compared, graph.OutputLength), AsOnnxRuntime(actual), name + " reference vs ONNX Runtime");
        SpecialValues.AssertClose(Samples(expected, compared, graph.OutputLength), AsOnnxRuntime(optimized), name + " optimised graph vs ONNX Runtime");
    }

    public static TheoryData<string> Cases => OpCases.Names;

    private static float[] Samples(float[] values, int[] samples, int length) =>
        samples.SelectMany(sample => values.Skip(sample * length).Take(length)).ToArray();

    private static (ModelGraph Graph, byte[] Bytes) Load(string name)
    {
        var bytes = OpCases.Get(name).Build();
        var result = ModelLoader.Load(bytes);
        Assert.True(result.Succeeded, result.Error?.ToString());
        return (result.Graph!, bytes);
    }

    // string.GetHashCode is randomised per process; a fixed seed per case keeps runs repeatable.
    private static int Seed(string name) => name.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));

    private static (ModelGraph Graph, float[] Input, float[] Expected) Prepare(string name)
    {
        var opCase = OpCases.Get(name);
        var bytes = opCase.Build();
        var result = ModelLoader.Load(bytes);
        Assert.True(result.Succeeded, result.Error?.ToString());
        var graph = result.Graph!;
        Assert.Equal(opCase.InputShape, graph.InputShape);

        var input = RandomData.Floats(Seed(name), Batch * graph.InputLength, -2f, 2f);
        var (expected, shape) = OnnxRuntimeOracle.RunWithShape(bytes, input, new[] { Batch }.Concat(opCase.InputShape).ToArray());
        Assert.Equal(shape.Skip(1).Select(d => (int)d), graph.OutputShape);
        return (graph, input, expected);
    }

    internal static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= worst))
            {
                worst = diff;
                at = i;
            }
        }

        Assert.True(worst <= Tolerance, $"max abs diff {worst} at {at}: expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}");
    }
}
