using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;
using SparseGen.Model.Tests.Infrastructure;
using Xunit;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>Which layers the planner cuts into parts for Predict with intra-op threads.</summary>
public class IntraOpPlanTests
{
    [Fact]
    public void A_layer_estimated_past_the_threshold_runs_in_parts()
    {
        var graph = Graph(outputChannels: 32, inputChannels: 16, size: 14);

        var plan = KernelPlanner.Plan(graph, PlannerOptions.Default);

        Assert.True(CostModel.EstimateConv((ConvOperation)graph.Operations[0], graph.ShapeOf("y"), plan.StrategyOf(graph.Operations[0])!.Value, false) >= CostModel.MinParallelLayerNanoseconds);
        Assert.True(plan.RunsInParts(graph.Operations[0]));
    }

    [Fact]
    public void A_small_layer_runs_in_order_unless_the_threshold_is_zero()
    {
        var graph = Graph(outputChannels: 4, inputChannels: 2, size: 6);

        Assert.False(KernelPlanner.Plan(graph, PlannerOptions.Default).RunsInParts(graph.Operations[0]));
        Assert.True(KernelPlanner.Plan(graph, PlannerOptions.Default with { MinParallelLayerNanoseconds = 0 }).RunsInParts(graph.Operations[0]));
    }

    private static ModelGraph Graph(int outputChannels, int inputChannels, int size)
    {
        var conv = new ConvOperation(
            "conv", "x", "y", new Tensor(new[] { outputChannels, inputChannels, 3, 3 }, RandomData.SparseWeights(7, outputChannels * inputChannels * 9, 0.0)), null, 1,
            new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, Activation.Relu);
        return ModelGraph.Create("x", new[] { inputChannels, size, size }, new Operation[] { conv }, "y", ModelInfo.Empty);
    }
}
