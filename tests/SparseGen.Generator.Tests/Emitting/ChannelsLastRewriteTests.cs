using System.Linq;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;
using SparseGen.Model.Tests.Infrastructure;
using Xunit;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>
/// Where the planner has a channels-in-lanes convolution store its output channels last and permutes the columns of the
/// fully connected layer that reads it (<see cref="ChannelsLastRewrite"/>). That the generated code still computes the
/// model is pinned by every emitter case in <see cref="GeneratedCodeConformanceTests"/>.
/// </summary>
public class ChannelsLastRewriteTests
{
    [Fact]
    public void A_block_conv_read_by_a_dense_layer_through_a_flatten_is_stored_channels_last()
    {
        var graph = EmitterCases.Get("IR_Blocks_pruned_conv_pool_dense").Emitted;
        var options = PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.SimdChannelBlocks, ForcedDenseStrategy = LayerStrategy.SparseBlocks };

        var plan = KernelPlanner.Plan(graph, options);

        // 40 channels in blocks of 16, 16 and 8: 48 lanes, the last 8 a zero filter each; the pool leaves 4 × 5 pixels.
        var conv = (ConvOperation)graph.Operations[0];
        var stored = (ConvOperation)plan.Graph.Operations[0];
        var blocks = OutputBlocks.Of(conv.Weight);
        Assert.True(plan.StoresChannelsLast(stored));
        Assert.Equal(48, stored.OutputChannels);
        Assert.Equal(new[] { 48, 4, 5 }, plan.Graph.ShapeOf(graph.Operations[1].Output));
        for (var lane = 0; lane < 48; lane++)
        {
            var filter = stored.Weight.Data.Skip(lane * 27).Take(27);
            var channel = blocks.Slots[lane];
            Assert.Equal(channel >= 0 ? conv.Weight.Data.Skip(channel * 27).Take(27) : Enumerable.Repeat(0f, 27), filter);
            Assert.Equal(channel >= 0 ? conv.Bias![channel] : 0f, stored.Bias![lane]);
        }

        // Column p · 48 + lane of the dense layer is the column of the lane's channel at pixel p.
        var dense = (DenseOperation)graph.Operations[3];
        var permuted = (DenseOperation)plan.Graph.Operations[3];
        Assert.Equal(20 * 48, permuted.InputFeatures);
        for (var o = 0; o < dense.OutputFeatures; o++)
        {
            for (var pixel = 0; pixel < 20; pixel++)
            {
                for (var lane = 0; lane < 48; lane++)
                {
                    var channel = blocks.Slots[lane];
                    var expected = channel >= 0 ? dense.Weight.Data[(o * 800) + (channel * 20) + pixel] : 0f;
                    Assert.Equal(expected, permuted.Weight.Data[(o * 960) + (pixel * 48) + lane]);
                }
            }
        }

        // Decisions about the rewritten ops are kept under the model's ops, and the rewritten conv's lanes are its channels.
        Assert.Equal(LayerStrategy.SimdChannelBlocks, plan.StrategyOf(conv));
        Assert.Equal(LayerStrategy.SimdChannelBlocks, plan.StrategyOf(stored));
        Assert.Equal(Enumerable.Range(0, 48), plan.BlocksOf(stored).Slots);
        Assert.Equal(blocks.Slots, plan.BlocksOf(conv).Slots);
        Assert.Same(graph.Operations[1], plan.FusedPoolOf(stored));
    }

    [Fact]
    public void An_unpooled_conv_is_stored_channels_last_too_and_other_layers_stay_as_they_are()
    {
        var graph = Graph(24, new ReshapeOperation("flatten", "c", "f", new[] { -1 }), Dense("f", "y", 24 * 36));

        var plan = KernelPlanner.Plan(graph, PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.SimdChannels });

        Assert.True(plan.StoresChannelsLast(plan.Graph.Operations[0]));
        Assert.Equal(32 * 36, ((DenseOperation)plan.Graph.Operations[2]).InputFeatures);
        Assert.Equal(new[] { 32 * 36 }, plan.Graph.ShapeOf("f"));
    }

    [Fact]
    public void A_conv_whose_output_another_op_reads_keeps_its_layout()
    {
        var graph = Graph(
            32,
            new ReshapeOperation("flatten", "c", "f", new[] { -1 }),
            Dense("f", "d", 32 * 36),
            new GlobalAveragePoolOperation("gap", "c", "g", KeepDims: false));

        var plan = KernelPlanner.Plan(graph, PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.SimdChannels });

        Assert.Same(graph, plan.Graph);
        Assert.False(plan.StoresChannelsLast(graph.Operations[0]));
    }

    [Theory]
    [InlineData(true, 32)]
    [InlineData(false, 20)]
    public void Pixels_in_lanes_convs_and_convs_with_many_empty_lanes_keep_their_layout(bool pixelsInLanes, int channels)
    {
        var strategy = pixelsInLanes ? LayerStrategy.SimdTable : LayerStrategy.SimdChannels;
        // 20 channels would take 32 lanes: 12 columns of zeros in every 32, more than the dense layer should carry.
        var graph = Graph(channels, new ReshapeOperation("flatten", "c", "f", new[] { -1 }), Dense("f", "y", channels * 36));

        var plan = KernelPlanner.Plan(graph, PlannerOptions.Default with { ForcedConvStrategy = strategy });

        Assert.Same(graph, plan.Graph);
    }

    private static ModelGraph Graph(int channels, params Operation[] after)
    {
        var conv = new ConvOperation(
            "conv", "x", "c", new Tensor(new[] { channels, 3, 3, 3 }, RandomData.SparseWeights(5, channels * 27, 0.4)), RandomData.SparseWeights(6, channels, 0.0), 1,
            new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, Activation.Relu);
        return ModelGraph.Create("x", new[] { 3, 6, 6 }, new Operation[] { conv }.Concat(after).ToArray(), after.Last().Output, ModelInfo.Empty);
    }

    private static DenseOperation Dense(string input, string output, int inputs) =>
        new("dense", input, output, new Tensor(new[] { 5, inputs }, RandomData.SparseWeights(7, 5 * inputs, 0.5)), null, Activation.None);
}
