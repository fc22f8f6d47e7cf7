using System;
using System.Linq;
using SparseGen.Pruning.Regularisers;
using SparseGen.Pruning.Reports;
using SparseGen.Pruning.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Tests.Pruning;

public sealed class ScheduleAndReportTests
{
    [Fact]
    public void GradualScheduleFollowsTheCubicOfZhuAndGupta()
    {
        var schedule = new GradualSchedule(0.0, 0.9, Start: 2, End: 10, Frequency: 2);

        Assert.Equal(0, schedule.SparsityAt(1));
        Assert.Equal(0, schedule.SparsityAt(2), 12);
        Assert.Equal(0.9 + (-0.9 * Math.Pow(0.5, 3)), schedule.SparsityAt(6), 12);
        Assert.Equal(schedule.SparsityAt(6), schedule.SparsityAt(7), 12); // holds between pruning steps
        Assert.Equal(0.9, schedule.SparsityAt(10), 12);
        Assert.Equal(0.9, schedule.SparsityAt(50), 12);
        Assert.Equal(new[] { 2, 4, 6, 8, 10 }, Enumerable.Range(0, 20).Where(schedule.PrunesAt));

        // Pruning by AmountAt at each pruning step lands on the schedule's sparsity.
        var sparsity = 0.0;
        foreach (var step in Enumerable.Range(0, 12).Where(schedule.PrunesAt))
        {
            sparsity += (1 - sparsity) * schedule.AmountAt(step);
            Assert.Equal(schedule.SparsityAt(step), sparsity, 9);
        }
    }

    [Fact]
    public void IterativeAndOneShotSchedules()
    {
        var iterative = new IterativeSchedule(Rate: 0.2, Every: 3, Times: 3);
        Assert.Equal(new[] { 0, 3, 6 }, Enumerable.Range(0, 20).Where(iterative.PrunesAt));
        Assert.Equal(1 - Math.Pow(0.8, 3), iterative.SparsityAt(7), 12);
        Assert.Equal(0.2, iterative.AmountAt(3), 12);

        var oneShot = new OneShotSchedule(0.9, Step: 4);
        Assert.Equal(new[] { 4 }, Enumerable.Range(0, 10).Where(oneShot.PrunesAt));
        Assert.Equal(0.9, oneShot.AmountAt(4), 12);
        Assert.Equal(0.5, PruningSchedule.Increment(0.5, 0.75), 12);
    }

    [Fact]
    public void ReportCountsParametersAndMacsPerLayer()
    {
        var model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5));
        prune.custom_from_mask((Conv2d)model[0], "weight", ones(4, 1, 3, 3).index_fill_(0, tensor(new long[] { 0 }), 0));
        prune.l1_unstructured((Linear)model[3], "weight", 60L);

        var report = PruningReport.of(model, new long[] { 1, 8, 8 });

        Assert.Equal(new[] { "0", "3" }, report.Layers.Select(l => l.Layer));
        var conv = report.Layers[0];
        Assert.Equal((36L, 40L, 27L), (conv.Weights, conv.Parameters, conv.Nonzeros));
        Assert.Equal((36L * 36, 27L * 36), (conv.DenseMacs, conv.RemainingMacs));
        var linear = report.Layers[1];
        Assert.Equal((720L, 660L, 720L, 660L), (linear.Weights, linear.Nonzeros, linear.DenseMacs, linear.RemainingMacs));
        Assert.Equal(40 + 725, report.TotalParameters);
        Assert.Equal(1 - (687.0 / 756), report.Sparsity, 9);
        Assert.Equal(1 - ((972.0 + 660) / (1296 + 720)), report.MacSparsity, 9);
        Assert.Contains("total", report.ToTable(), StringComparison.Ordinal);
        Assert.Contains("\"remaining_macs\": 1632", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void MacAwarePruningRemovesTheMacsItIsAskedFor()
    {
        torch.manual_seed(4);
        // Convolution weights are few and large, linear weights many and small: the plain global ranking's trap.
        var model = nn.Sequential(nn.Conv2d(1, 8, 3, padding: 1), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 8 * 8, 10));
        using (no_grad())
        {
            ((Linear)model[3]).weight!.mul_(0.1);
        }

        var global = nn.Sequential(nn.Conv2d(1, 8, 3, padding: 1), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 8 * 8, 10));
        global.load_state_dict(model.state_dict());
        var shape = new long[] { 1, 8, 8 };

        prune.global_mac_aware(model, 0.8, shape);
        prune.global_unstructured(prune.weights_of(global), 0.8);

        var macAware = PruningReport.of(model, shape);
        var plain = PruningReport.of(global, shape);
        Assert.InRange(macAware.MacSparsity, 0.7995, 0.81); // the budget is rounded to whole MACs
        Assert.True(plain.MacSparsity < 0.5, $"plain global pruning removed {plain.MacSparsity:P0} of the MACs");
        Assert.InRange(macAware.Layers[0].Sparsity, 0.5, 0.95);
    }

    [Fact]
    public void MacAwareSparsitiesAreWhatMacAwarePruningLeavesAndPruneNothing()
    {
        torch.manual_seed(4);
        var model = nn.Sequential(nn.Conv2d(1, 8, 3, padding: 1), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 8 * 8, 10));
        var shape = new long[] { 1, 8, 8 };

        var shares = prune.mac_aware_sparsities(model, 0.8, shape);

        Assert.False(prune.is_pruned(model));
        prune.global_mac_aware(model, 0.8, shape);
        var report = PruningReport.of(model, shape);
        Assert.Equal(report.Layers.Count, shares.Count);
        for (var i = 0; i < shares.Count; i++)
        {
            Assert.Equal(report.Layers[i].Sparsity, shares[i].sparsity, 9);
        }
    }

    [Fact]
    public void BlockStructuredPrunesWholeVectorsOfOutputsUpToTheSparsity()
    {
        // 40 filters: two blocks of 16 and a short one of 8; 20 outputs: a block of 16 and one of 4.
        torch.manual_seed(5);
        var conv = nn.Conv2d(2, 40, 3, padding: 1);
        var linear = nn.Linear(360, 20);
        var firstBlockNorms = linear.weight!.detach().slice(0, 0, 16, 1).square().sum(0L).clone(); // per input, before pruning (0L: a literal 0 would pick the ScalarType overload)

        prune.block_structured(conv, "weight", 0.5, 16);
        prune.block_structured(conv, "weight", 0.75, 16); // gradually: the blocks pruned first stay pruned
        prune.block_structured(linear, "weight", 0.9, 16);

        foreach (var (module, sparsity) in new (nn.Module, double)[] { (conv, 0.75), (linear, 0.9) })
        {
            var mask = prune.mask_of(module, "weight")!.to(ScalarType.Float32).flatten(1);
            var zero = 1 - (mask.sum().item<float>() / mask.numel());
            Assert.InRange(zero, sparsity - 1e-6, sparsity + (16.0 / mask.numel()) + 1e-6); // at most one block (16 entries) past it
            for (long first = 0; first < mask.shape[0]; first += 16)
            {
                var block = mask.slice(0, first, Math.Min(first + 16, mask.shape[0]), 1);
                Assert.True(block.amax(0).eq(block.amin(0)).all().item<bool>(), $"the block at output {first} is partly pruned");
            }
        }

        // The smallest blocks went: in the linear layer's first block, every pruned input's norm is at most every kept one's.
        var kept = prune.mask_of(linear, "weight")!.to(ScalarType.Float32).slice(0, 0, 16, 1).amax(0).gt(0);
        Assert.True(firstBlockNorms.masked_select(kept.logical_not()).max().item<float>() <= firstBlockNorms.masked_select(kept).min().item<float>());
    }

    [Fact]
    public void BlockStructuredRefusesAnEmptyBlockOrASparsityOutsideZeroToOne()
    {
        var linear = nn.Linear(8, 4);

        var block = Assert.Throws<ArgumentOutOfRangeException>(() => prune.block_structured(linear, "weight", 0.5, 0));
        var sparsity = Assert.Throws<ArgumentOutOfRangeException>(() => prune.block_structured(linear, "weight", 1.5, 16));

        Assert.Contains("16 is a 512-bit vector", block.Message);
        Assert.Contains("from 0 to 1", sparsity.Message);
    }

    [Fact]
    public void PenaltiesMatchTheirFormulas()
    {
        var (model, _, _) = PruneTests.TinyClassifier(2);
        var conv = (Conv2d)model[0];
        var linear = (Linear)model[3];

        var l1 = penalty.l1(model).item<float>();
        var lasso = penalty.group_lasso(model);

        Assert.Equal(conv.weight!.abs().sum().item<float>() + linear.weight!.abs().sum().item<float>(), l1, 3);
        var filterNorms = conv.weight!.flatten(1).norm(1);
        Assert.Equal(filterNorms.sum().item<float>() * 3f, lasso.item<float>(), 3); // √9 = 3 weights per filter

        // Its gradient points along each filter: it shrinks whole filters, not single weights.
        lasso.backward();
        var direction = conv.weight!.flatten(1).div(filterNorms.unsqueeze(1)).mul(3);
        Assert.True(conv.weight!.grad!.flatten(1).allclose(direction, rtol: 1e-4, atol: 1e-5));
    }
}
