using System;
using System.Linq;
using SparseGen.Model.Analysis;
using SparseGen.Model.Graph;
using static SparseGen.Model.Tests.Passes.TestGraphs;

namespace SparseGen.Model.Tests.Analysis;

public class ModelStatisticsTests
{
    /// <summary>The CNN of PyTorch's MNIST tutorial, with random weights.</summary>
    private static ModelGraph TutorialCnn()
    {
        var random = new Random(1);
        return Create(
            new[] { 1, 28, 28 },
            "fc2",
            Conv("conv1", Input, RandomTensor(random, 32, 1, 3, 3), RandomVector(random, 32), pad: 1),
            Relu("relu1", "conv1"),
            MaxPool("pool1", "relu1", 2),
            Conv("conv2", "pool1", RandomTensor(random, 64, 32, 3, 3), RandomVector(random, 64), pad: 1),
            Relu("relu2", "conv2"),
            MaxPool("pool2", "relu2", 2),
            Flatten("flat", "pool2"),
            Dense("fc1", "flat", RandomTensor(random, 128, 3136), RandomVector(random, 128)),
            Relu("relu3", "fc1"),
            Dense("fc2", "relu3", RandomTensor(random, 10, 128), RandomVector(random, 10)));
    }

    [Fact]
    public void Counts_the_parameters_of_the_pytorch_tutorial_cnn()
    {
        var statistics = ModelStatistics.Compute(TutorialCnn());

        Assert.Equal(new[] { "conv1", "conv2", "fc1", "fc2" }, statistics.Layers.Select(layer => layer.Name));
        Assert.Equal(new long[] { 320, 18_496, 401_536, 1_290 }, statistics.Layers.Select(layer => layer.Parameters));
        Assert.Equal(421_642, statistics.Parameters);
        Assert.Equal(421_642, statistics.NonZeros);
        Assert.Equal(0, statistics.Sparsity);
    }

    [Fact]
    public void Counts_dense_macs_of_the_pytorch_tutorial_cnn_by_hand()
    {
        var statistics = ModelStatistics.Compute(TutorialCnn());

        var expected = new long[]
        {
            28 * 28 * 32 * 1 * 3 * 3,
            14 * 14 * 64 * 32 * 3 * 3,
            128 * 3136,
            10 * 128,
        };
        Assert.Equal(expected, statistics.Layers.Select(layer => layer.DenseMacs));
        Assert.Equal(expected, statistics.Layers.Select(layer => layer.SparseMacs));
        Assert.Equal(expected.Sum(), statistics.DenseMacs);
        Assert.Equal(new[] { 32, 64, 128, 10 }, statistics.Layers.Select(layer => layer.Filters));
        Assert.Equal(new[] { 64, 14, 14 }, statistics.Layers[1].OutputShape);
        Assert.Equal(new[] { 3136 }, statistics.Layers[2].InputShape);
    }

    [Fact]
    public void Counts_zeros_sparse_macs_and_removable_filters()
    {
        // Filter 0: two of four weights zero. Filter 1: all zero with bias 0, so the optimiser removes it.
        var convWeight = new Tensor(new[] { 2, 1, 2, 2 }, new[] { 1f, 0f, 0f, 2f, 0f, 0f, 0f, 0f });
        var graph = Create(
            new[] { 1, 3, 3 },
            "dense",
            Conv("conv", Input, convWeight, new[] { 0.5f, 0f }, activation: Activation.Relu),
            Flatten("flat", "conv"),
            Dense("dense", "flat", new Tensor(new[] { 1, 8 }, Enumerable.Range(1, 8).Select(v => (float)v).ToArray()), new[] { 0f }));

        var statistics = ModelStatistics.Compute(graph);

        var conv = statistics.Layers[0];
        Assert.Equal("Conv", conv.OpType);
        Assert.Equal(10, conv.Parameters);
        Assert.Equal(3, conv.NonZeros);
        Assert.Equal(0.75, conv.Sparsity);
        Assert.Equal(2 * 2 * 8, conv.DenseMacs);
        Assert.Equal(2 * 2 * 2, conv.SparseMacs);
        Assert.Equal(1, conv.RemovableFilters);
        var dense = statistics.Layers[1];
        Assert.Equal(8, dense.NonZeros);
        Assert.Equal(0, dense.RemovableFilters);
        Assert.Equal(11, statistics.NonZeros);
        Assert.Equal(6.0 / 16, statistics.Sparsity);
        Assert.Equal(2 * 2 * 2 + 8, statistics.SparseMacs);
    }

    [Fact]
    public void Counts_batch_norm_scale_and_bias_as_parameters()
    {
        var batchNorm = new BatchNormOperation("bn", Input, "bn", new[] { 1f, 0f, 2f }, new[] { 0f, 0f, 1f }, new float[3], new[] { 1f, 1f, 1f }, 1e-5f);
        var graph = Create(new[] { 3, 2, 2 }, "bn", batchNorm);

        var layer = Assert.Single(ModelStatistics.Compute(graph).Layers);

        Assert.Equal("BatchNormalization", layer.OpType);
        Assert.Equal(6, layer.Parameters);
        Assert.Equal(3, layer.NonZeros);
        Assert.Equal(1.0 / 3, layer.Sparsity, 12);
        Assert.Equal(12, layer.DenseMacs);
        Assert.Equal(8, layer.SparseMacs);
        Assert.Equal(3, layer.Filters);
        Assert.Equal(0, layer.RemovableFilters);
    }
}
