using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;
using SparseGen.Model.Tests.Infrastructure;
using Xunit;

namespace SparseGen.Generator.Tests.Emitting;

public class CostModelTests
{
    [Theory]
    [InlineData(0.0, "DenseSimd")]
    [InlineData(0.5, "DenseSimd")]
    [InlineData(0.9, "SparseRows")]
    [InlineData(0.99, "SparseRows")]
    public void Fc1_of_the_fashion_cnn_is_dense_SIMD_when_dense_and_compressed_rows_when_90_percent_sparse(double zeros, string expected)
    {
        var dense = Dense(3_136, 128, zeros);

        Assert.Equal(expected, CostModel.ChooseDense(dense, PlannerOptions.Default, canUnroll: false).ToString());
    }

    [Theory]
    [InlineData(0.8, "DenseSimd")]
    [InlineData(0.9, "DenseSimd")]
    [InlineData(0.99, "SparseRows")]
    public void Fc1_after_a_relu_stays_dense_SIMD_longer_because_zero_inputs_are_skipped(double zeros, string expected)
    {
        var dense = Dense(3_136, 128, zeros);

        Assert.Equal(expected, CostModel.ChooseDense(dense, PlannerOptions.Default, canUnroll: false, skipsZeroInputs: true).ToString());
    }

    [Fact]
    public void Small_sparse_layer_that_may_unroll_is_never_a_dense_table()
    {
        var dense = Dense(128, 10, 0.9);

        Assert.NotEqual(LayerStrategy.DenseSimd, CostModel.ChooseDense(dense, PlannerOptions.Default, canUnroll: true));
    }

    [Theory]
    [InlineData(0.0, "SimdChannels")]
    [InlineData(0.5, "SimdTable")]
    [InlineData(0.9, "SimdTable")]
    [InlineData(0.98, "SimdTable")]
    public void Conv2_of_the_fashion_cnn_is_channels_in_lanes_when_dense_and_pixels_in_lanes_when_sparse(double zeros, string expected)
    {
        var conv = Conv(32, 64, zeros);

        Assert.Equal(expected, CostModel.ChooseConv(conv, new[] { 64, 14, 14 }, PlannerOptions.Default, canUnroll: false).ToString());
    }

    [Fact]
    public void Grouped_convolution_never_gets_channels_in_lanes()
    {
        var depthwise = new ConvOperation(
            "dw", "x", "y", new Tensor(new[] { 32, 1, 3, 3 }, RandomData.SparseWeights(3, 32 * 9, 0.0)), null, 32, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, Activation.Relu);

        Assert.NotEqual(LayerStrategy.SimdChannels, CostModel.ChooseConv(depthwise, new[] { 32, 14, 14 }, PlannerOptions.Default, canUnroll: false));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Conv2_pruned_in_vectors_of_16_channels_skips_the_zero_vectors(double zeros)
    {
        var conv = InBlocks(Conv(32, 64, 0.0), zeros);

        Assert.Equal(LayerStrategy.SimdChannelBlocks, CostModel.ChooseConv(conv, new[] { 64, 14, 14 }, PlannerOptions.Default, canUnroll: false));
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.95)]
    public void Fc1_pruned_in_blocks_of_16_outputs_is_sparse_blocks(double zeros)
    {
        var dense = InBlocks(Dense(3_136, 128, 0.0), zeros);

        Assert.Equal(LayerStrategy.SparseBlocks, CostModel.ChooseDense(dense, PlannerOptions.Default, canUnroll: false, skipsZeroInputs: true));
    }

    [Fact]
    public void Block_kernels_keep_the_margin_where_their_vectors_hold_zero_weights()
    {
        // Scattered zeros: at 90 % most 16-channel vectors still hold a nonzero, so blocks save little and keep many zeros.
        var conv = Conv(32, 64, 0.9);
        var dense = Dense(3_136, 128, 0.9);

        Assert.NotEqual(LayerStrategy.SimdChannelBlocks, CostModel.ChooseConv(conv, new[] { 64, 14, 14 }, PlannerOptions.Default, canUnroll: false));
        Assert.NotEqual(LayerStrategy.SparseBlocks, CostModel.ChooseDense(dense, PlannerOptions.Default, canUnroll: false));
    }

    /// <summary>The fraction <paramref name="zeros"/> of the 16-output vectors of the layer's weight (at each other index) set to zero, spread by a multiplicative hash.</summary>
    private static T InBlocks<T>(T layer, double zeros)
        where T : Operation
    {
        var weight = layer is ConvOperation conv ? conv.Weight : ((DenseOperation)(object)layer).Weight;
        var outputs = weight.Shape[0];
        var rest = weight.Data.Length / outputs;
        var vector = 0;
        for (var first = 0; first < outputs; first += 16)
        {
            for (var r = 0; r < rest; r++, vector++)
            {
                if ((vector * 7919 % 1000) < zeros * 1000)
                {
                    for (var o = first; o < first + 16 && o < outputs; o++)
                    {
                        weight.Data[(o * rest) + r] = 0f;
                    }
                }
            }
        }

        return layer;
    }

    private static ConvOperation Conv(int inChannels, int outChannels, double zeros) =>
        new("conv", "x", "y", new Tensor(new[] { outChannels, inChannels, 3, 3 }, RandomData.SparseWeights(5, outChannels * inChannels * 9, zeros)), null, 1, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, Activation.Relu);

    private static DenseOperation Dense(int inFeatures, int outFeatures, double zeros) =>
        new("fc_dense", "x", "y", new Tensor(new[] { outFeatures, inFeatures }, RandomData.SparseWeights(7, inFeatures * outFeatures, zeros)), null, Activation.Relu);
}
