using System;
using System.Linq;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
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

    public static TheoryData<string> Cases => OpCases.Names;

    private static (ModelGraph Graph, float[] Input, float[] Expected) Prepare(string name)
    {
        var opCase = OpCases.Get(name);
        var bytes = opCase.Build();
        var result = ModelLoader.Load(bytes);
        Assert.True(result.Succeeded, result.Error?.ToString());
        var graph = result.Graph!;
        Assert.Equal(opCase.InputShape, graph.InputShape);

        // string.GetHashCode is randomised per process; a fixed seed per case keeps runs repeatable.
        var seed = name.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));
        var input = RandomData.Floats(seed, Batch * graph.InputLength, -2f, 2f);
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
