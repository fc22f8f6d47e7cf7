using System.Linq;
using SparseGen.Model.Analysis;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Passes;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Conformance;

/// <summary>Models exported by PyTorch (nobody here wrote them) read, evaluate and optimise equal to PyTorch and ONNX Runtime.</summary>
public sealed class FixtureConformanceTests
{
    public static TheoryData<string> FilesWithIo => Fixtures.FilesWithIoData;

    public static TheoryData<string> AllFiles => Fixtures.OnnxFileData;

    [Theory]
    [MemberData(nameof(FilesWithIo))]
    public void Evaluator_matches_pytorch_outputs(string file)
    {
        var io = Fixtures.LoadIo(file);
        var graph = Load(file);

        var actual = ReferenceEvaluator.Run(graph, io.Inputs, io.BatchSize);

        OpConformanceTests.AssertClose(io.Outputs, actual);
    }

    [Theory]
    [MemberData(nameof(FilesWithIo))]
    public void Optimized_graph_matches_pytorch_outputs(string file)
    {
        var io = Fixtures.LoadIo(file);
        var graph = GraphOptimizer.Optimize(Load(file));

        var actual = ReferenceEvaluator.Run(graph, io.Inputs, io.BatchSize);

        OpConformanceTests.AssertClose(io.Outputs, actual);
    }

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Evaluator_matches_onnx_runtime(string file)
    {
        var graph = Load(file);
        const int batch = 4;
        var input = RandomData.Floats(7, batch * graph.InputLength, -1f, 1f);

        var expected = OnnxRuntimeOracle.Run(Fixtures.Bytes(file), input, new[] { batch }.Concat(graph.InputShape).ToArray());

        OpConformanceTests.AssertClose(expected, ReferenceEvaluator.Run(graph, input, batch));
        OpConformanceTests.AssertClose(expected, ReferenceEvaluator.Run(GraphOptimizer.Optimize(graph), input, batch));
    }

    [Fact]
    public void Simple_cnn_has_four_weight_layers_and_421642_parameters()
    {
        var statistics = ModelStatistics.Compute(Load(Fixtures.SimpleCnnDense));

        Assert.Equal(new[] { "Conv", "Conv", "Dense", "Dense" }, statistics.Layers.Select(l => l.OpType));
        Assert.Equal(new long[] { 320, 18_496, 401_536, 1_290 }, statistics.Layers.Select(l => l.Parameters));
        Assert.Equal(421_642, statistics.Parameters);
    }

    [Fact]
    public void Resnet_stem_filters_that_are_zero_but_carry_a_bias_are_kept()
    {
        // Stem filters 2, 7 and 11 are all zero with a nonzero bias: their channels are constants, not dead.
        var graph = Load(Fixtures.ResNetBnPruned80);
        var stem = graph.Operations.OfType<Graph.ConvOperation>().First();
        var zeroFilters = Enumerable.Range(0, stem.OutputChannels)
            .Where(m => Enumerable.Range(0, stem.Weight.ElementCount / stem.OutputChannels).All(i => stem.Weight.Data[m * (stem.Weight.ElementCount / stem.OutputChannels) + i] == 0f))
            .ToArray();
        Assert.Equal(new[] { 2, 7, 11 }, zeroFilters);

        var optimized = GraphOptimizer.Optimize(graph);

        Assert.Equal(stem.OutputChannels, optimized.Operations.OfType<Graph.ConvOperation>().First().OutputChannels);
    }

    private static Graph.ModelGraph Load(string file)
    {
        var result = ModelLoader.LoadFile(Fixtures.PathOf(file));
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Graph!;
    }
}
