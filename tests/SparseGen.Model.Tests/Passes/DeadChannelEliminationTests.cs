using System;
using System.Linq;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
using static SparseGen.Model.Tests.Passes.TestGraphs;

namespace SparseGen.Model.Tests.Passes;

public class DeadChannelEliminationTests
{
    private static float[] WithValue(float[] vector, int index, float value)
    {
        var copy = (float[])vector.Clone();
        copy[index] = value;
        return copy;
    }

    [Fact]
    public void Removes_a_zero_channel_through_relu_maxpool_and_flatten_into_a_dense()
    {
        var random = new Random(1);
        // Channel 1 has no weights and bias −0.5, so after the Relu it is zero everywhere.
        var convWeight = WithZeroRow(RandomTensor(random, 4, 1, 3, 3), 1);
        var denseWeight = RandomTensor(random, 5, 36);
        var graph = Create(
            new[] { 1, 6, 6 },
            "dense",
            Conv("conv", Input, convWeight, WithValue(RandomVector(random, 4), 1, -0.5f), pad: 1),
            Relu("relu", "conv"),
            MaxPool("pool", "relu", 2),
            Flatten("flat", "pool"),
            Dense("dense", "flat", denseWeight, RandomVector(random, 5)));

        var reduced = DeadChannelElimination.Apply(graph);

        Assert.Equal(3, Single<ConvOperation>(reduced).OutputChannels);
        var dense = Single<DenseOperation>(reduced);
        Assert.Equal(27, dense.InputFeatures);
        // Channel 1 owned features 9 to 17 of each row; the rest keep their order.
        Assert.Equal(denseWeight.Data.Skip(18).Take(18), dense.Weight.Data.Skip(9).Take(18));
        Assert.Equal(Single<DenseOperation>(graph).Bias, dense.Bias);
        AssertSameFunction(graph, reduced);
    }

    [Fact]
    public void Keeps_a_constant_channel_that_feeds_a_padded_conv()
    {
        var random = new Random(2);
        var graph = Create(
            new[] { 2, 5, 5 },
            "second",
            Conv("first", Input, WithZeroRow(RandomTensor(random, 3, 2, 3, 3), 1), WithValue(RandomVector(random, 3), 1, 0.7f), pad: 1, activation: Activation.Relu),
            Conv("second", "first", RandomTensor(random, 2, 3, 3, 3), RandomVector(random, 2), pad: 1));

        var result = DeadChannelElimination.Apply(graph);

        // The border of "second" sees zero padding where the channel would be 0.7: no bias can stand in.
        Assert.Equal(3, Named<ConvOperation>(result, "first").OutputChannels);
        AssertSameFunction(graph, result);
    }

    [Fact]
    public void Folds_a_constant_channel_into_the_bias_of_an_unpadded_conv()
    {
        var random = new Random(3);
        var secondBias = RandomVector(random, 2);
        var graph = Create(
            new[] { 2, 5, 5 },
            "second",
            Conv("first", Input, WithZeroRow(RandomTensor(random, 3, 2, 3, 3), 1), WithValue(RandomVector(random, 3), 1, 0.7f), pad: 1, activation: Activation.Relu),
            Conv("second", "first", RandomTensor(random, 2, 3, 3, 3), secondBias));

        var reduced = DeadChannelElimination.Apply(graph);

        Assert.Equal(2, Named<ConvOperation>(reduced, "first").OutputChannels);
        var second = Named<ConvOperation>(reduced, "second");
        Assert.Equal(2, second.InputChannelsPerGroup);
        Assert.NotEqual(secondBias, second.Bias);
        AssertSameFunction(graph, reduced);
    }

    [Fact]
    public void Folds_a_constant_channel_through_relu_maxpool_and_flatten_into_a_dense_bias()
    {
        var random = new Random(4);
        var graph = Create(
            new[] { 1, 4, 4 },
            "dense",
            Conv("conv", Input, WithZeroRow(RandomTensor(random, 3, 1, 3, 3), 2), WithValue(RandomVector(random, 3), 2, 0.4f), pad: 1),
            Relu("relu", "conv"),
            MaxPool("pool", "relu", 2),
            Flatten("flat", "pool"),
            Dense("dense", "flat", RandomTensor(random, 4, 12), null));

        var reduced = DeadChannelElimination.Apply(graph);

        Assert.Equal(2, Single<ConvOperation>(reduced).OutputChannels);
        var dense = Single<DenseOperation>(reduced);
        Assert.Equal(8, dense.InputFeatures);
        Assert.NotNull(dense.Bias);
        AssertSameFunction(graph, reduced);
    }

    [Fact]
    public void Folds_a_sigmoid_constant_of_a_dense_into_the_next_dense()
    {
        var random = new Random(5);
        var graph = Create(
            new[] { 6 },
            "out",
            Dense("hidden", Input, WithZeroRow(RandomTensor(random, 4, 6), 0), RandomVector(random, 4), Activation.Sigmoid),
            Dense("out", "hidden", RandomTensor(random, 3, 4), RandomVector(random, 3)));

        var reduced = DeadChannelElimination.Apply(graph);

        Assert.Equal(3, Named<DenseOperation>(reduced, "hidden").OutputFeatures);
        Assert.Equal(3, Named<DenseOperation>(reduced, "out").InputFeatures);
        AssertSameFunction(graph, reduced);
    }

    [Fact]
    public void Keeps_a_constant_channel_that_passes_a_padded_pool()
    {
        var random = new Random(6);
        var graph = Create(
            new[] { 1, 4, 4 },
            "dense",
            Conv("conv", Input, WithZeroRow(RandomTensor(random, 2, 1, 3, 3), 0), new[] { 0.4f, 0.1f }, pad: 1),
            new PoolOperation("pool", "conv", "pool", PoolKind.Average, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, false, true),
            Flatten("flat", "pool"),
            Dense("dense", "flat", RandomTensor(random, 3, 8), null));

        Assert.Same(graph, DeadChannelElimination.Apply(graph));
    }

    [Fact]
    public void Removes_a_zero_channel_through_global_average_pooling()
    {
        var random = new Random(7);
        var graph = Create(
            new[] { 2, 4, 4 },
            "dense",
            Conv("conv", Input, WithZeroRow(RandomTensor(random, 3, 2, 3, 3), 0), new[] { -1f, 0.2f, 0.3f }, pad: 1, activation: Activation.Relu),
            new GlobalAveragePoolOperation("gap", "conv", "gap", false),
            Dense("dense", "gap", RandomTensor(random, 2, 3), null));

        var reduced = DeadChannelElimination.Apply(graph);

        Assert.Equal(2, Single<DenseOperation>(reduced).InputFeatures);
        AssertSameFunction(graph, reduced);
    }

    [Fact]
    public void Removes_a_channel_every_reader_gives_zero_weights()
    {
        var random = new Random(8);
        var graph = Create(
            new[] { 2, 5, 5 },
            "second",
            Conv("first", Input, RandomTensor(random, 3, 2, 3, 3), RandomVector(random, 3), pad: 1, activation: Activation.Sigmoid),
            Conv("second", "first", WithZeroInputChannel(RandomTensor(random, 2, 3, 3, 3), 2), RandomVector(random, 2), pad: 1));

        var reduced = DeadChannelElimination.Apply(graph);

        Assert.Equal(2, Named<ConvOperation>(reduced, "first").OutputChannels);
        var second = Named<ConvOperation>(reduced, "second");
        Assert.Equal(2, second.InputChannelsPerGroup);
        Assert.Equal(Named<ConvOperation>(graph, "second").Bias, second.Bias);
        AssertSameFunction(graph, reduced);
    }

    [Fact]
    public void Keeps_every_channel_read_by_a_residual_add()
    {
        var random = new Random(9);
        var graph = Create(
            new[] { 2, 4, 4 },
            "sum",
            Conv("first", Input, WithZeroRow(RandomTensor(random, 2, 2, 3, 3), 0), new[] { 0f, 0.5f }, pad: 1),
            Conv("second", "first", RandomTensor(random, 2, 2, 3, 3), null, pad: 1),
            new AddOperation("sum", "first", "second", "sum", Activation.Relu));

        Assert.Same(graph, DeadChannelElimination.Apply(graph));
    }

    [Fact]
    public void Keeps_every_channel_of_the_graph_output()
    {
        var random = new Random(10);
        var graph = Create(
            new[] { 4 },
            "dense",
            Dense("dense", Input, WithZeroRow(RandomTensor(random, 3, 4), 1), null));

        Assert.Same(graph, DeadChannelElimination.Apply(graph));
    }

    [Fact]
    public void Keeps_one_channel_when_all_are_dead()
    {
        var random = new Random(11);
        var graph = Create(
            new[] { 4 },
            "out",
            Dense("hidden", Input, new Tensor(new[] { 3, 4 }, new float[12]), null, Activation.Relu),
            Dense("out", "hidden", RandomTensor(random, 2, 3), RandomVector(random, 2)));

        var reduced = DeadChannelElimination.Apply(graph);

        Assert.Equal(1, Named<DenseOperation>(reduced, "hidden").OutputFeatures);
        AssertSameFunction(graph, reduced);
    }

    [Fact]
    public void Repeats_until_a_removal_leaves_nothing_more_to_remove()
    {
        var random = new Random(12);
        // "middle" output 0 reads only "first" feature 1, which is dead; once that goes, output 0 is dead too.
        var middleWeight = new Tensor(new[] { 3, 4 }, new[] { 0f, 0.9f, 0f, 0f }.Concat(RandomVector(random, 8)).ToArray());
        var graph = Create(
            new[] { 5 },
            "out",
            Dense("first", Input, WithZeroRow(RandomTensor(random, 4, 5), 1), WithValue(RandomVector(random, 4), 1, 0f), Activation.Relu),
            Dense("middle", "first", middleWeight, new[] { 0f, 0.1f, 0.2f }, Activation.Relu),
            Dense("out", "middle", RandomTensor(random, 2, 3), null));

        var reduced = DeadChannelElimination.Apply(graph);

        Assert.Equal(3, Named<DenseOperation>(reduced, "first").OutputFeatures);
        Assert.Equal(2, Named<DenseOperation>(reduced, "middle").OutputFeatures);
        Assert.Equal(2, Named<DenseOperation>(reduced, "out").InputFeatures);
        AssertSameFunction(graph, reduced);
    }

    [Fact]
    public void Optimizer_folds_fuses_and_removes_in_one_model()
    {
        var random = new Random(13);
        // After folding, channel 0 has bias (0 − 2)·1 + 0 = −2 and no weights; the fused Relu makes it zero.
        var batchNorm = new BatchNormOperation("bn", "conv", "bn", new[] { 1f, 1f, 1f }, new[] { 0f, 0.1f, 0.2f }, new[] { 2f, 0f, 0f }, new[] { 1f, 1f, 1f }, 0f);
        var graph = Create(
            new[] { 1, 6, 6 },
            "dense",
            Conv("conv", Input, WithZeroRow(RandomTensor(random, 3, 1, 3, 3), 0), null, pad: 1),
            batchNorm,
            Relu("relu", "bn"),
            MaxPool("pool", "relu", 2, pad: 1),
            Flatten("flat", "pool"),
            Dense("dense", "flat", RandomTensor(random, 2, 48), null));

        var optimized = GraphOptimizer.Optimize(graph);

        var conv = Single<ConvOperation>(optimized);
        Assert.Equal(Activation.Relu, conv.Activation);
        Assert.Equal(2, conv.OutputChannels);
        Assert.Equal(new[] { "conv", "pool", "flat", "dense" }, optimized.Operations.Select(op => op.Name));
        AssertSameFunction(graph, optimized);
    }
}
