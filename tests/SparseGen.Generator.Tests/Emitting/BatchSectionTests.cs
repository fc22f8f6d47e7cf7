using System.Linq;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;
using SparseGen.Model.Tests.Infrastructure;
using Xunit;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>Which fully connected run PredictBatch computes with the samples in SIMD lanes.</summary>
public class BatchSectionTests
{
    [Fact]
    public void Fully_connected_tail_after_a_flatten_is_the_section_and_a_softmax_after_it_runs_per_sample()
    {
        var graph = ModelGraph.Create("x", new[] { 2, 4, 4 }, new Operation[]
        {
            new ReshapeOperation("flatten", "x", "f", new[] { 32 }),
            Dense("fc1", "f", "h", 32, 12, Activation.Relu),
            Dense("fc2", "h", "l", 12, 5, Activation.None),
            new SoftmaxOperation("softmax", "l", "y", 1, false),
        }, "y", ModelInfo.Empty);

        var section = BatchSection.Find(graph);

        Assert.NotNull(section);
        Assert.Equal(new[] { "fc1", "fc2" }, section!.Operations.Select(op => op.Name));
        Assert.Equal("f", section.Input);
        Assert.Equal("l", section.Output);
    }

    [Fact]
    public void Standalone_activations_between_layers_belong_to_the_section()
    {
        var graph = ModelGraph.Create("x", new[] { 20 }, new Operation[]
        {
            Dense("fc1", "x", "h", 20, 8, Activation.None),
            new ActivationOperation("tanh", "h", "t", Activation.Tanh),
            Dense("fc2", "t", "y", 8, 3, Activation.None),
        }, "y", ModelInfo.Empty);

        var section = BatchSection.Find(graph);

        Assert.Equal(new[] { "fc1", "tanh", "fc2" }, section!.Operations.Select(op => op.Name));
        Assert.Equal("x", section.Input);
    }

    [Fact]
    public void A_run_whose_value_is_read_past_it_is_not_a_section()
    {
        var graph = ModelGraph.Create("x", new[] { 10 }, new Operation[]
        {
            Dense("fc1", "x", "a", 10, 10, Activation.Relu),
            Dense("fc2", "a", "b", 10, 10, Activation.None),
            new AddOperation("residual", "a", "b", "y", Activation.Relu),
        }, "y", ModelInfo.Empty);

        Assert.Null(BatchSection.Find(graph));
    }

    [Fact]
    public void Dense_over_leading_rows_is_not_a_section()
    {
        var graph = ModelGraph.Create("x", new[] { 4, 7 }, new Operation[] { Dense("fc", "x", "y", 7, 5, Activation.None) }, "y", ModelInfo.Empty);

        Assert.Null(BatchSection.Find(graph));
    }

    [Fact]
    public void The_planner_leaves_the_section_out_when_asked()
    {
        var graph = ModelGraph.Create("x", new[] { 20 }, new Operation[] { Dense("fc", "x", "y", 20, 3, Activation.None) }, "y", ModelInfo.Empty);

        Assert.NotNull(KernelPlanner.Plan(graph, PlannerOptions.Default).BatchSection);
        Assert.Null(KernelPlanner.Plan(graph, PlannerOptions.Default with { BatchInLanes = false }).BatchSection);
    }

    private static DenseOperation Dense(string name, string input, string output, int inFeatures, int outFeatures, Activation activation) =>
        new(name, input, output, new Tensor(new[] { outFeatures, inFeatures }, RandomData.SparseWeights(5, outFeatures * inFeatures, 0.5)), null, activation);
}
