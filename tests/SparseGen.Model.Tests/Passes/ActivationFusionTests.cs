using System;
using System.Linq;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
using static SparseGen.Model.Tests.Passes.TestGraphs;

namespace SparseGen.Model.Tests.Passes;

public class ActivationFusionTests
{
    /// <summary>A constant [channels, height, width] whose value is <paramref name="perChannel"/>[c] throughout channel c.</summary>
    private static Tensor ChannelConstant(float[] perChannel, int height, int width) => new(
        new[] { perChannel.Length, height, width },
        perChannel.SelectMany(value => Enumerable.Repeat(value, height * width)).ToArray());

    [Fact]
    public void Adds_a_per_channel_constant_into_the_conv_bias()
    {
        var random = new Random(1);
        var graph = Create(
            new[] { 2, 4, 4 },
            "shifted",
            Conv("conv", Input, RandomTensor(random, 3, 2, 3, 3), new[] { 1f, 2f, 3f }, pad: 1),
            new AddConstantOperation("shifted", "conv", "shifted", ChannelConstant(new[] { 0.5f, -1f, 0.25f }, 4, 4)));

        var fused = ActivationFusion.Apply(graph);

        var conv = Assert.IsType<ConvOperation>(Assert.Single(fused.Operations));
        Assert.Equal(new[] { 1.5f, 1f, 3.25f }, conv.Bias);
        Assert.Equal("shifted", conv.Output);
        AssertSameFunction(graph, fused);
    }

    [Fact]
    public void Adds_a_per_feature_constant_into_a_dense_without_bias()
    {
        var random = new Random(2);
        var constant = new Tensor(new[] { 2, 3 }, new[] { 1f, 2f, 3f, 1f, 2f, 3f });
        var graph = Create(
            new[] { 2, 5 },
            "shifted",
            Dense("dense", Input, RandomTensor(random, 3, 5), null),
            new AddConstantOperation("shifted", "dense", "shifted", constant));

        var fused = ActivationFusion.Apply(graph);

        Assert.Equal(new[] { 1f, 2f, 3f }, Assert.IsType<DenseOperation>(Assert.Single(fused.Operations)).Bias);
        AssertSameFunction(graph, fused);
    }

    [Fact]
    public void Keeps_a_constant_that_varies_within_a_channel()
    {
        var random = new Random(3);
        var constant = RandomTensor(random, 2, 3, 3);
        var graph = Create(
            new[] { 1, 3, 3 },
            "shifted",
            Conv("conv", Input, RandomTensor(random, 2, 1, 1, 1), null),
            new AddConstantOperation("shifted", "conv", "shifted", constant));

        Assert.Same(graph, ActivationFusion.Apply(graph));
    }

    [Fact]
    public void Fuses_relu_into_the_conv_and_keeps_the_graph_output_name()
    {
        var random = new Random(4);
        var graph = Create(
            new[] { 2, 4, 4 },
            "relu",
            Conv("conv", Input, RandomTensor(random, 3, 2, 3, 3), RandomVector(random, 3), pad: 1),
            Relu("relu", "conv"));

        var fused = ActivationFusion.Apply(graph);

        var conv = Assert.IsType<ConvOperation>(Assert.Single(fused.Operations));
        Assert.Equal(Activation.Relu, conv.Activation);
        Assert.Equal("relu", conv.Output);
        Assert.Equal("relu", fused.OutputName);
        AssertSameFunction(graph, fused);
    }

    [Fact]
    public void Fuses_clip_into_a_dense_read_by_another_dense()
    {
        var random = new Random(5);
        var graph = Create(
            new[] { 6 },
            "out",
            Dense("hidden", Input, RandomTensor(random, 5, 6), RandomVector(random, 5)),
            new ActivationOperation("clip", "hidden", "clip", Activation.Clip(0f, 0.3f)),
            Dense("out", "clip", RandomTensor(random, 2, 5), null));

        var fused = ActivationFusion.Apply(graph);

        var hidden = Named<DenseOperation>(fused, "hidden");
        Assert.Equal(Activation.Clip(0f, 0.3f), hidden.Activation);
        Assert.Equal("clip", Named<DenseOperation>(fused, "out").Input);
        Assert.Equal(2, fused.Operations.Count);
        AssertSameFunction(graph, fused);
    }

    [Fact]
    public void Fuses_bias_add_then_relu_into_one_conv()
    {
        var random = new Random(6);
        var graph = Create(
            new[] { 1, 3, 3 },
            "relu",
            Conv("conv", Input, RandomTensor(random, 2, 1, 2, 2), null),
            new AddConstantOperation("shifted", "conv", "shifted", ChannelConstant(new[] { -0.5f, 0.5f }, 2, 2)),
            Relu("relu", "shifted"));

        var fused = ActivationFusion.Apply(graph);

        var conv = Assert.IsType<ConvOperation>(Assert.Single(fused.Operations));
        Assert.Equal(Activation.Relu, conv.Activation);
        Assert.Equal(new[] { -0.5f, 0.5f }, conv.Bias);
        AssertSameFunction(graph, fused);
    }

    [Fact]
    public void Fuses_relu_into_a_residual_add()
    {
        var random = new Random(7);
        var graph = Create(
            new[] { 2, 3, 3 },
            "relu",
            Conv("conv", Input, RandomTensor(random, 2, 2, 3, 3), null, pad: 1, activation: Activation.Relu),
            new AddOperation("sum", "conv", Input, "sum", Activation.None),
            Relu("relu", "sum"));

        var fused = ActivationFusion.Apply(graph);

        Assert.Equal(Activation.Relu, Single<AddOperation>(fused).Activation);
        Assert.Equal(Activation.Relu, Single<ConvOperation>(fused).Activation);
        AssertSameFunction(graph, fused);
    }

    [Fact]
    public void Keeps_relu_when_the_conv_output_has_another_reader()
    {
        var random = new Random(8);
        var graph = Create(
            new[] { 2, 3, 3 },
            "sum",
            Conv("conv", Input, RandomTensor(random, 2, 2, 1, 1), null),
            Relu("relu", "conv"),
            new AddOperation("sum", "conv", "relu", "sum", Activation.None));

        Assert.Same(graph, ActivationFusion.Apply(graph));
    }

    [Fact]
    public void Keeps_a_second_activation_after_a_fused_one()
    {
        var random = new Random(9);
        var graph = Create(
            new[] { 2, 3, 3 },
            "sigmoid",
            Conv("conv", Input, RandomTensor(random, 2, 2, 1, 1), null),
            Relu("relu", "conv"),
            new ActivationOperation("sigmoid", "relu", "sigmoid", Activation.Sigmoid));

        var fused = ActivationFusion.Apply(graph);

        Assert.Equal(Activation.Relu, Single<ConvOperation>(fused).Activation);
        Assert.Equal(Activation.Sigmoid, Single<ActivationOperation>(fused).Activation);
        AssertSameFunction(graph, fused);
    }
}
