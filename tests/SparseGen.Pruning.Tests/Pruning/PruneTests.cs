using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Tests.Pruning;

public sealed class PruneTests
{
    [Fact]
    public void L1UnstructuredPrunesTheSmallestMagnitudes()
    {
        var layer = LinearWith(new float[] { 0.5f, -0.1f, 0.3f, -0.05f, 0.9f, 0.2f }, 2, 3);

        prune.l1_unstructured(layer, "weight", 0.5);

        Assert.Equal(new float[] { 0.5f, 0, 0.3f, 0, 0.9f, 0 }, Values(layer.weight!));
        Assert.Equal(new float[] { 1, 0, 1, 0, 1, 0 }, Values(prune.mask_of(layer, "weight")!));
    }

    [Fact]
    public void AnIntegerAmountIsACount()
    {
        var layer = LinearWith(new float[] { 0.5f, -0.1f, 0.3f, -0.05f, 0.9f, 0.2f }, 2, 3);

        prune.l1_unstructured(layer, "weight", 1L);

        Assert.Equal(new float[] { 0.5f, -0.1f, 0.3f, 0, 0.9f, 0.2f }, Values(layer.weight!));
        Assert.Throws<ArgumentException>(() => prune.l1_unstructured(layer, "weight", 6L));
        Assert.Throws<ArgumentOutOfRangeException>(() => prune.l1_unstructured(layer, "weight", 1.5));
    }

    [Fact]
    public void PruningTwiceComposesOnTheLiveEntries()
    {
        torch.manual_seed(1);
        var layer = nn.Linear(20, 10);

        prune.l1_unstructured(layer, "weight", 0.5);
        prune.l1_unstructured(layer, "weight", 0.5);
        prune.random_unstructured(layer, "weight", 10L);

        // 200 → 100 live → 50 live → 40 live; every earlier zero stays.
        Assert.Equal(40, layer.weight!.count_nonzero().item<long>());
        Assert.Equal(40, prune.mask_of(layer, "weight")!.sum().item<float>());
    }

    [Fact]
    public void RandomUnstructuredIsReproducibleWithAGenerator()
    {
        Tensor MaskWithSeed(long seed)
        {
            torch.manual_seed(3);
            var layer = nn.Linear(16, 16);
            prune.random_unstructured(layer, "weight", 0.3, new Generator((ulong)seed));
            return prune.mask_of(layer, "weight")!;
        }

        Assert.Equal(Values(MaskWithSeed(7)), Values(MaskWithSeed(7)));
        Assert.NotEqual(Values(MaskWithSeed(7)), Values(MaskWithSeed(8)));
        Assert.Equal(256 - 77, MaskWithSeed(7).sum().item<float>()); // round(0.3 · 256) = 77 pruned
    }

    [Fact]
    public void ThresholdPrunesMagnitudesAtOrBelowIt()
    {
        var layer = LinearWith(new float[] { 0.5f, -0.1f, 0.3f, -0.05f, 0.9f, 0.2f }, 2, 3);

        prune.threshold(layer, "weight", 0.2);

        Assert.Equal(new float[] { 0.5f, 0, 0.3f, 0, 0.9f, 0 }, Values(layer.weight!));
    }

    [Fact]
    public void CustomMaskIsAppliedAndItsShapeChecked()
    {
        var layer = LinearWith(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);

        prune.custom_from_mask(layer, "weight", tensor(new float[] { 1, 0, 1, 1, 0, 1 }).reshape(2, 3));

        Assert.Equal(new float[] { 1, 0, 3, 4, 0, 6 }, Values(layer.weight!));
        var error = Assert.Throws<ArgumentException>(() => prune.custom_from_mask(layer, "weight", ones(3, 2)));
        Assert.Contains("[3, 2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveKeepsTheZerosAndForgetsTheMask()
    {
        var layer = LinearWith(new float[] { 0.5f, -0.1f, 0.3f, -0.05f, 0.9f, 0.2f }, 2, 3);
        prune.l1_unstructured(layer, "weight", 0.5);

        prune.remove(layer, "weight");

        Assert.Null(prune.mask_of(layer, "weight"));
        Assert.False(prune.is_pruned(layer));
        Assert.Equal(3, layer.weight!.count_nonzero().item<long>());
        var error = Assert.Throws<ArgumentException>(() => prune.remove(layer, "weight"));
        Assert.Contains("not pruned", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownParameterIsNamedInTheError()
    {
        var layer = nn.Linear(2, 2);

        var error = Assert.Throws<ArgumentException>(() => prune.l1_unstructured(layer, "weights", 0.5));

        Assert.Contains("weight, bias", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LnStructuredRemovesWholeFiltersWithTheSmallestNorm()
    {
        torch.manual_seed(5);
        var conv = nn.Conv2d(3, 6, 3);
        using (no_grad())
        {
            conv.weight![1].mul_(0.01);
            conv.weight![4].mul_(0.02);
        }

        prune.ln_structured(conv, "weight", 2L, 2, 0);

        var filterNorms = Values(conv.weight!.flatten(1).abs().sum(1));
        Assert.Equal(new[] { false, true, false, false, true, false }, filterNorms.Select(n => n == 0).ToArray());

        // Again, along input channels: one of the three goes in every filter.
        prune.ln_structured(conv, "weight", 1.0 / 3, 1, 1);
        var channelNorms = Values(conv.weight!.abs().sum(new long[] { 0, 2, 3 }));
        Assert.Single(channelNorms, n => n == 0);
    }

    [Fact]
    public void BiasWithFiltersZeroesThePrunedFiltersChannelsAndKeepsTheirMasksThroughTraining()
    {
        torch.manual_seed(4);
        var conv = nn.Conv2d(2, 4, 3, padding: 1);
        using (torch.no_grad())
        {
            conv.bias!.copy_(torch.tensor(new float[] { 0.5f, -0.25f, 0.75f, 1 }));
            conv.weight![2].mul_(0.01);
        }

        prune.ln_structured(conv, "weight", 1L, 1, 0);
        prune.bias_with_filters(conv);

        Assert.Equal(new float[] { 0.5f, -0.25f, 0, 1 }, Values(conv.bias!));
        var output = conv.forward(torch.randn(1, 2, 5, 5));
        Assert.Equal(0f, output[0, 2].abs().max().item<float>());

        var optimizer = torch.optim.Adam(conv.parameters(), 0.1);
        for (var i = 0; i < 3; i++)
        {
            optimizer.zero_grad();
            conv.forward(torch.randn(1, 2, 5, 5)).square().sum().backward();
            prune.step(optimizer, conv);
        }

        Assert.Equal(0f, conv.bias![2].item<float>());
        Assert.Equal(0f, conv.weight![2].abs().sum().item<float>());
        Assert.NotEqual(0.5f, conv.bias![0].item<float>());
    }

    [Fact]
    public void BiasWithFiltersNeedsPrunedFilters()
    {
        var conv = nn.Conv2d(2, 4, 3);
        var error = Assert.Throws<ArgumentException>(() => prune.bias_with_filters(conv));
        Assert.Contains("prune its filters first", error.Message);
    }

    [Fact]
    public void GlobalUnstructuredRanksAcrossLayers()
    {
        var small = LinearWith(new float[] { 0.01f, 0.02f, 0.03f, 0.04f }, 2, 2);
        var large = LinearWith(new float[] { 1, 2, 3, 0.025f }, 2, 2);

        prune.global_unstructured(new (nn.Module, string)[] { (small, "weight"), (large, "weight") }, 3L);

        Assert.Equal(new float[] { 0, 0, 0.03f, 0.04f }, Values(small.weight!));
        Assert.Equal(new float[] { 1, 2, 3, 0 }, Values(large.weight!));
    }

    [Fact]
    public void NmSparsityKeepsTheLargestNOfEveryMAlongTheInputs()
    {
        torch.manual_seed(9);
        var linear = nn.Linear(8, 3);
        var conv = nn.Conv2d(8, 2, 3);
        var before = linear.weight!.detach().clone();

        prune.n_m_structured(linear, "weight", 2, 4);
        prune.n_m_structured(conv, "weight", 1, 4);

        var groups = linear.weight!.reshape(3, 2, 4);
        Assert.True(groups.count_nonzero(new long[] { 2 }).le(2).all().item<bool>());
        var expected = before.reshape(3, 2, 4).abs().topk(2, dim: 2).values.sum();
        Assert.Equal(expected.item<float>(), groups.abs().sum().item<float>(), 4);
        // Conv2d: groups of 4 input channels at each kernel position.
        var convGroups = conv.weight!.permute(0, 2, 3, 1).reshape(2, 3, 3, 2, 4);
        Assert.True(convGroups.count_nonzero(new long[] { 4 }).eq(1).all().item<bool>());
        Assert.Throws<ArgumentException>(() => prune.n_m_structured(nn.Linear(6, 2), "weight", 2, 4));
    }

    [Fact]
    public void MasksSurviveAdamWithMomentumAndWeightDecay()
    {
        var (model, data, labels) = TinyClassifier(21);
        prune.global_unstructured(prune.weights_of(model), 0.8);
        var zerosBefore = ZeroWeights(model);
        var optimizer = optim.Adam(model.parameters(), lr: 0.01, weight_decay: 0.01);

        for (var i = 0; i < 20; i++)
        {
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.forward(data), labels).backward();
            prune.step(optimizer, model);
        }

        Assert.Equal(zerosBefore, ZeroWeights(model));
        foreach (var (module, name) in prune.weights_of(model))
        {
            var weight = module.named_parameters(recurse: false).Single(p => p.name == name).parameter;
            Assert.Equal(0, weight.mul(prune.mask_of(module, name)!.logical_not()).count_nonzero().item<long>());
        }
    }

    [Fact]
    public void ZeroingOnceIsNotEnoughWithAdam()
    {
        // The textbook mistake the masks prevent: zero the weights once, then fine-tune.
        var (model, data, labels) = TinyClassifier(21);
        prune.global_unstructured(prune.weights_of(model), 0.8);
        var zerosBefore = ZeroWeights(model);
        foreach (var (module, name) in prune.weights_of(model))
        {
            prune.remove(module, name);
        }

        var optimizer = optim.Adam(model.parameters(), lr: 0.01, weight_decay: 0.01);
        for (var i = 0; i < 5; i++)
        {
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.forward(data), labels).backward();
            optimizer.step();
        }

        Assert.True(ZeroWeights(model) < zerosBefore / 2, $"{ZeroWeights(model)} zeros left of {zerosBefore}");
    }

    internal static (Sequential Model, Tensor Data, Tensor Labels) TinyClassifier(int seed)
    {
        torch.manual_seed(seed);
        var model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5));
        var data = randn(16, 1, 8, 8);
        var labels = randint(5, new long[] { 16 });
        return (model, data, labels);
    }

    internal static long ZeroWeights(nn.Module model) =>
        prune.weights_of(model).Sum(p => p.module.named_parameters(recurse: false).Single(q => q.name == p.name).parameter.eq(0).sum().item<long>());

    internal static Linear LinearWith(float[] weights, int outputs, int inputs)
    {
        var layer = nn.Linear(inputs, outputs);
        using (no_grad())
        {
            layer.weight!.copy_(tensor(weights).reshape(outputs, inputs));
        }

        return layer;
    }

    internal static float[] Values(Tensor tensor) => tensor.detach().flatten().to(ScalarType.Float32).data<float>().ToArray();
}
