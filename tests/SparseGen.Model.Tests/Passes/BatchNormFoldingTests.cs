using System;
using System.Linq;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
using static SparseGen.Model.Tests.Passes.TestGraphs;

namespace SparseGen.Model.Tests.Passes;

public class BatchNormFoldingTests
{
    private static BatchNormOperation BatchNorm(Random random, string name, string input, int channels) => new(
        name,
        input,
        name,
        RandomVector(random, channels),
        RandomVector(random, channels),
        RandomVector(random, channels),
        RandomVector(random, channels).Select(v => Math.Abs(v) + 0.1f).ToArray(),
        1e-5f);

    [Fact]
    public void Folds_batch_norm_into_the_conv_before_it()
    {
        var random = new Random(1);
        var graph = Create(
            new[] { 2, 5, 5 },
            "relu",
            Conv("conv", Input, RandomTensor(random, 3, 2, 3, 3), RandomVector(random, 3), pad: 1),
            BatchNorm(random, "bn", "conv", 3),
            Relu("relu", "bn"));

        var folded = BatchNormFolding.Apply(graph);

        Assert.Empty(folded.Operations.OfType<BatchNormOperation>());
        var conv = Single<ConvOperation>(folded);
        Assert.Equal("bn", conv.Output);
        Assert.NotEqual(Single<ConvOperation>(graph).Weight.Data, conv.Weight.Data);
        AssertSameFunction(graph, folded);
    }

    [Fact]
    public void Folds_batch_norm_that_is_the_graph_output_into_a_conv_without_bias()
    {
        var random = new Random(2);
        var graph = Create(
            new[] { 2, 4, 4 },
            "bn",
            Conv("conv", Input, RandomTensor(random, 3, 2, 3, 3), null),
            BatchNorm(random, "bn", "conv", 3));

        var folded = BatchNormFolding.Apply(graph);

        Assert.Single(folded.Operations);
        Assert.NotNull(Single<ConvOperation>(folded).Bias);
        AssertSameFunction(graph, folded);
    }

    [Fact]
    public void Folds_batch_norm_into_a_dense_with_one_vector_per_sample()
    {
        var random = new Random(3);
        var graph = Create(
            new[] { 6 },
            "bn",
            Dense("dense", Input, RandomTensor(random, 4, 6), RandomVector(random, 4)),
            BatchNorm(random, "bn", "dense", 4));

        var folded = BatchNormFolding.Apply(graph);

        Assert.Equal("bn", Assert.IsType<DenseOperation>(Assert.Single(folded.Operations)).Output);
        AssertSameFunction(graph, folded);
    }

    [Fact]
    public void Keeps_batch_norm_when_the_conv_output_has_another_reader()
    {
        var random = new Random(4);
        var graph = Create(
            new[] { 2, 4, 4 },
            "sum",
            Conv("conv", Input, RandomTensor(random, 2, 2, 1, 1), RandomVector(random, 2)),
            BatchNorm(random, "bn", "conv", 2),
            new AddOperation("sum", "conv", "bn", "sum", Activation.None));

        var result = BatchNormFolding.Apply(graph);

        Assert.Same(graph, result);
    }

    [Fact]
    public void Keeps_batch_norm_after_an_activation()
    {
        var random = new Random(5);
        var graph = Create(
            new[] { 2, 4, 4 },
            "bn",
            Conv("conv", Input, RandomTensor(random, 2, 2, 1, 1), null, activation: Activation.Relu),
            BatchNorm(random, "bn", "conv", 2));

        Assert.Same(graph, BatchNormFolding.Apply(graph));
    }

    [Fact]
    public void Keeps_batch_norm_over_the_rows_of_a_dense_with_matrix_output()
    {
        // Dense over [3, 6] gives [3, 4]; BN normalises the 3 rows, not the 4 features the weights make.
        var random = new Random(6);
        var graph = Create(
            new[] { 3, 6 },
            "bn",
            Dense("dense", Input, RandomTensor(random, 4, 6), null),
            BatchNorm(random, "bn", "dense", 3));

        Assert.Same(graph, BatchNormFolding.Apply(graph));
    }
}
