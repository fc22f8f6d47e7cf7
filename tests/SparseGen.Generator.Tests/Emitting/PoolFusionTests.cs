using System.Linq;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;
using SparseGen.Model.Tests.Infrastructure;
using Xunit;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>Which max pools the planner folds into the SIMD convolution before them.</summary>
public class PoolFusionTests
{
    [Fact]
    public void Plain_2x2_max_pool_after_a_dense_relu_conv_is_fused()
    {
        var graph = Graph(Pool("c", "y", 2, 2));

        var plan = KernelPlanner.Plan(graph, PlannerOptions.Default);

        Assert.Equal(LayerStrategy.SimdChannels, plan.StrategyOf(graph.Operations[0]));
        Assert.Same(graph.Operations[1], plan.FusedPoolOf(graph.Operations[0]));
        Assert.True(plan.IsFusedAway(graph.Operations[1]));
    }

    [Fact]
    public void Pool_after_a_sparse_pixels_in_lanes_conv_is_fused_as_well()
    {
        var graph = Graph(0.95, Pool("c", "y", 2, 2));

        var plan = KernelPlanner.Plan(graph, PlannerOptions.Default);

        Assert.NotEqual(LayerStrategy.SimdChannels, plan.StrategyOf(graph.Operations[0]));
        Assert.Same(graph.Operations[1], plan.FusedPoolOf(graph.Operations[0]));
    }

    [Fact]
    public void Pool_is_not_fused_when_another_op_reads_the_conv_output()
    {
        var graph = Graph(Pool("c", "p", 2, 2), new AddOperation("add", "c", "c", "y", Activation.None));

        var plan = KernelPlanner.Plan(graph, PlannerOptions.Default);

        Assert.Null(plan.FusedPoolOf(graph.Operations[0]));
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(2, 1)]
    public void Overlapping_or_non_halving_pools_are_not_fused(int kernel, int stride)
    {
        var graph = Graph(Pool("c", "y", kernel, stride));

        var plan = KernelPlanner.Plan(graph, PlannerOptions.Default);

        Assert.Null(plan.FusedPoolOf(graph.Operations[0]));
    }

    [Fact]
    public void Fusion_can_be_switched_off()
    {
        var graph = Graph(Pool("c", "y", 2, 2));

        var plan = KernelPlanner.Plan(graph, PlannerOptions.Default with { FusePools = false });

        Assert.Empty(plan.FusedPools);
    }

    private static ModelGraph Graph(params Operation[] after) => Graph(0.0, after);

    private static ModelGraph Graph(double zeros, params Operation[] after)
    {
        var conv = new ConvOperation(
            "conv", "x", "c", new Tensor(new[] { 32, 16, 3, 3 }, RandomData.SparseWeights(3, 32 * 16 * 9, zeros)), null, 1, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, Activation.Relu);
        var output = after.Last().Output;
        return ModelGraph.Create("x", new[] { 16, 14, 14 }, new Operation[] { conv }.Concat(after).ToArray(), output, ModelInfo.Empty);
    }

    private static PoolOperation Pool(string input, string output, int kernel, int stride) =>
        new("pool", input, output, PoolKind.Max, new[] { kernel, kernel }, new[] { stride, stride }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, false, false);
}
