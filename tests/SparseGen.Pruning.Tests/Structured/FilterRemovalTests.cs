using System;
using System.Linq;
using SparseGen.Pruning.Modules;
using SparseGen.Pruning.Structured;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Tests.Structured;

public sealed class FilterRemovalTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void ZeroFiltersGoAndTheSmallerModelComputesTheSame()
    {
        torch.manual_seed(11);
        var conv1 = nn.Conv2d(1, 8, 3, padding: 1);
        var conv2 = nn.Conv2d(8, 6, 3);
        var model = nn.Sequential(
            conv1, nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            conv2, nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(6 * 2 * 2, 10), nn.ReLU(), nn.Linear(10, 4));
        WarmUpBatchNorm(model, 1, 12, 12);
        // Filters of zeros whose biases make non-zero constants: these must move into the next layer's bias.
        ZeroFilters(conv1, 1, 4, 6);
        ZeroFilters(conv2, 0, 5);

        var result = FilterRemoval.remove_zero_filters(model, new long[] { 1, 12, 12 });

        Assert.Equal(new[] { ("0", 8, 5), ("4", 6, 4) }, result.Layers.Select(l => (l.Layer, l.FiltersBefore, l.FiltersAfter)));
        AssertSameOutputs(model, result.Model, 1, 12, 12);
        Assert.True(result.RemainingMacs < result.DenseMacs, $"{result.RemainingMacs} MACs, dense {result.DenseMacs}");
        var smallerConv = result.Model.children().OfType<Conv2d>().ToList();
        Assert.Equal((1L, 5L), (smallerConv[0].in_channels, smallerConv[0].out_channels));
        Assert.Equal((5L, 4L), (smallerConv[1].in_channels, smallerConv[1].out_channels));
        Assert.Equal(5L, result.Model.children().OfType<BatchNorm2d>().Single().num_features);
        Assert.Equal(4L * 2 * 2, result.Model.children().OfType<Linear>().First().in_features);
    }

    [Fact]
    public void MacCountsAreExactForASmallNetwork()
    {
        var model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Conv2d(4, 2, 3), nn.Flatten(), nn.Linear(2 * 2 * 2, 3));
        using (no_grad())
        {
            ((Conv2d)model[0]).weight.index_fill_(0, tensor(new long[] { 0, 1 }), 0);
            ((Conv2d)model[0]).bias!.index_fill_(0, tensor(new long[] { 0, 1 }), 0);
        }

        var result = FilterRemoval.remove_zero_filters(model, new long[] { 1, 6, 6 });

        // 4·4·4 outputs × 9 + 2·2·2 outputs × 4·9 + 8·3, then the first conv and second conv's inputs halved.
        Assert.Equal(576 + 288 + 24, result.DenseMacs);
        Assert.Equal(288 + 144 + 24, result.RemainingMacs);
    }

    [Fact]
    public void PaddedConsumerKeepsChannelsWhoseConstantIsNotZero()
    {
        torch.manual_seed(12);
        var conv1 = nn.Conv2d(2, 4, 3, padding: 1);
        var model = nn.Sequential(conv1, nn.Sigmoid(), nn.Conv2d(4, 3, 3, padding: 1), nn.Flatten(), nn.Linear(3 * 5 * 5, 2));
        ZeroFilters(conv1, 0, 1);
        using (no_grad())
        {
            // Channel 1 outputs sigmoid(b) ≠ 0 everywhere, so padding makes its contribution non-uniform.
            conv1.bias!.index_fill_(0, tensor(new long[] { 1 }), 0.7);
        }

        var result = FilterRemoval.remove_zero_filters(model, new long[] { 2, 5, 5 });

        // Channel 0 outputs sigmoid(b0) ≠ 0 as well: both stay.
        Assert.Equal(4, result.Layers[0].FiltersAfter);
        AssertSameOutputs(model, result.Model, 2, 5, 5);
    }

    [Fact]
    public void L1SelectionHalvesTheFiltersAndKeepsTheMaskedModelsOutputs()
    {
        torch.manual_seed(13);
        var model = nn.Sequential(
            ("features", nn.Sequential(
                nn.Conv2d(1, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2))),
            ("classifier", nn.Sequential(nn.Flatten(), nn.Linear(16 * 3 * 3, 10))));
        WarmUpBatchNorm(model, 1, 12, 12);

        var result = FilterRemoval.remove_filters_by_l1(model, 0.5, new long[] { 1, 12, 12 });

        Assert.Equal(new[] { ("features.0", 8, 4), ("features.4", 16, 8) }, result.Layers.Select(l => (l.Layer, l.FiltersBefore, l.FiltersAfter)));
        AssertSameOutputs(model, result.Model, 1, 12, 12);
        Assert.True(result.RemainingMacs * 3 < result.DenseMacs, $"{result.RemainingMacs} MACs, dense {result.DenseMacs}");
    }

    [Fact]
    public void ChannelsJoinedByAResidualAddStayAndInnerChannelsGo()
    {
        torch.manual_seed(14);
        var stem = nn.Conv2d(3, 8, 3, padding: 1);
        var identityBlock = new ResidualBlock(8, 8);
        var projectionBlock = new ResidualBlock(8, 16, stride: 2);
        var model = nn.Sequential(stem, nn.BatchNorm2d(8), nn.ReLU(), identityBlock, projectionBlock, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 5));
        WarmUpBatchNorm(model, 3, 8, 8);
        ZeroFilters(stem, 2);
        ZeroFilters(identityBlock.conv1, 0, 3);
        ZeroFilters(identityBlock.conv2, 1);
        ZeroFilters(projectionBlock.conv1, 5);
        ZeroFilters(projectionBlock.conv2, 7);

        var result = FilterRemoval.remove_zero_filters(model, new long[] { 3, 8, 8 });

        var after = result.Layers.ToDictionary(l => l.Layer, l => l.FiltersAfter);
        Assert.Equal(8, after["0"]);
        Assert.True(after["3.conv1"] < 8, "the identity block's inner channels go when their constant is removable");
        Assert.Equal(8, after["3.conv2"]);
        Assert.Equal(16, after["4.conv2"]);
        Assert.Equal(16, after["4.downsample.0"]);
        AssertSameOutputs(model, result.Model, 3, 8, 8);
    }

    [Fact]
    public void L1SelectionShrinksResidualBlocksInside()
    {
        torch.manual_seed(15);
        var model = nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1), nn.ReLU(), new ResidualBlock(8, 8), new ResidualBlock(8, 12, stride: 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(12, 4));
        WarmUpBatchNorm(model, 3, 8, 8);

        var result = FilterRemoval.remove_filters_by_l1(model, 0.5, new long[] { 3, 8, 8 });

        var after = result.Layers.ToDictionary(l => l.Layer, l => l.FiltersAfter);
        Assert.Equal((4, 6, 8), (after["2.conv1"], after["3.conv1"], after["0"]));
        AssertSameOutputs(model, result.Model, 3, 8, 8);
    }

    [Fact]
    public void SmallerResidualModelExportsToOnnxAndMatchesOnnxRuntime()
    {
        torch.manual_seed(16);
        var model = nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1), nn.ReLU(), new ResidualBlock(8, 8), new ResidualBlock(8, 12, stride: 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(12, 4));
        WarmUpBatchNorm(model, 3, 8, 8);
        var smaller = FilterRemoval.remove_filters_by_l1(model, 0.5, new long[] { 3, 8, 8 }).Model;
        var input = randn(2, 3, 8, 8);
        float[] expected;
        using (no_grad())
        {
            expected = smaller.forward(input).data<float>().ToArray();
        }

        var bytes = SparseGen.Pruning.Export.OnnxExporter.ToBytes(smaller, new SparseGen.Pruning.Export.ExportOptions(3, 8, 8));
        var actual = SparseGen.Pruning.Tests.Export.OnnxRuntimeRunner.Run(bytes, "input", input.data<float>().ToArray(), new[] { 2, 3, 8, 8 });

        Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() <= 1e-4f);
    }

    [Fact]
    public void UnsupportedModuleIsNamed()
    {
        var model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.GELU(), nn.Flatten());

        var error = Assert.Throws<NotSupportedException>(() => FilterRemoval.remove_zero_filters(model, new long[] { 1, 5, 5 }));

        Assert.Contains("'1' of type GELU", error.Message, StringComparison.Ordinal);
    }

    private static void ZeroFilters(Conv2d conv, params long[] filters)
    {
        using var noGrad = no_grad();
        conv.weight.index_fill_(0, tensor(filters), 0);
    }

    private static void WarmUpBatchNorm(nn.Module<Tensor, Tensor> model, int channels, int height, int width)
    {
        model.train();
        using (no_grad())
        {
            for (var step = 0; step < 4; step++)
            {
                model.forward(randn(8, channels, height, width) + 0.3);
            }
        }

        model.eval();
    }

    private static void AssertSameOutputs(nn.Module<Tensor, Tensor> masked, nn.Module<Tensor, Tensor> smaller, int channels, int height, int width)
    {
        masked.eval();
        smaller.eval();
        using var noGrad = no_grad();
        var input = randn(5, channels, height, width);
        var difference = (masked.forward(input) - smaller.forward(input)).abs().max().item<float>();
        Assert.True(difference <= Tolerance, $"max |masked − smaller| = {difference}");
    }
}
