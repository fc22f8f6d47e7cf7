using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Tests.Evaluation;

public class ReferenceEvaluatorTests
{
    private static readonly int[] NoPads = { 0, 0, 0, 0 };
    private static readonly int[] Ones = { 1, 1 };

    [Fact]
    public void Conv_with_symmetric_padding_bias_and_relu_matches_hand_computation()
    {
        // x = [[1, 2], [3, 4]], w = [[1, 2], [3, 4]], pads 1: each output sums w[ky, kx]·x[oy + ky − 1, ox + kx − 1].
        var conv = Conv("x", "y", new[] { 1, 1, 2, 2 }, new float[] { 1, 2, 3, 4 }, new[] { -5f }, pads: new[] { 1, 1, 1, 1 }, activation: Activation.Relu);
        var graph = Graph(new[] { 1, 2, 2 }, conv);

        var output = ReferenceEvaluator.Run(graph, new float[] { 1, 2, 3, 4 }, 1);

        // Before bias: [4, 11, 6, 14, 30, 14, 6, 11, 4]; bias −5 and relu give:
        Assert.Equal(new float[] { 0, 6, 1, 9, 25, 9, 1, 6, 0 }, output);
    }

    [Fact]
    public void Conv_pads_are_top_left_bottom_right()
    {
        // pads [top 1, left 0, bottom 0, right 1]: output [oy, ox] reads x[oy + ky − 1, ox + kx].
        var conv = Conv("x", "y", new[] { 1, 1, 2, 2 }, new float[] { 1, 2, 3, 4 }, null, pads: new[] { 1, 0, 0, 1 });
        var graph = Graph(new[] { 1, 2, 2 }, conv);

        var output = ReferenceEvaluator.Run(graph, new float[] { 1, 2, 3, 4 }, 1);

        Assert.Equal(new float[] { 11, 6, 30, 14 }, output);
    }

    [Fact]
    public void Conv_with_stride_and_dilation_reads_spread_taps()
    {
        // x[r, c] = 5r + c; kernel 2×2 dilated by 2 spans 3×3, stride 2 gives 2×2 outputs. With
        // w = [1, 10, 100, 1000] and b = x[2oy, 2ox] = 10oy + 2ox, each output is 1111b + 13020.
        var conv = Conv("x", "y", new[] { 1, 1, 2, 2 }, new float[] { 1, 10, 100, 1000 }, null, strides: new[] { 2, 2 }, dilations: new[] { 2, 2 });
        var graph = Graph(new[] { 1, 5, 5 }, conv);

        var output = ReferenceEvaluator.Run(graph, Enumerable.Range(0, 25).Select(i => (float)i).ToArray(), 1);

        Assert.Equal(new[] { 1, 2, 2 }, graph.OutputShape);
        Assert.Equal(new float[] { 13020, 15242, 24130, 26352 }, output);
    }

    [Fact]
    public void Grouped_conv_equals_one_conv_per_group()
    {
        var random = new Random(7);
        var input = RandomArray(random, 4 * 5 * 5);
        var weights = RandomArray(random, 6 * 2 * 3 * 3);
        var bias = RandomArray(random, 6);
        var grouped = Conv("x", "y", new[] { 6, 2, 3, 3 }, weights, bias, group: 2, strides: new[] { 2, 1 }, pads: new[] { 1, 0, 2, 1 });
        var graph = Graph(new[] { 4, 5, 5 }, grouped);

        var output = ReferenceEvaluator.Run(graph, input, 1);

        var expected = new List<float>();
        for (var g = 0; g < 2; g++)
        {
            var part = Conv("x", "y", new[] { 3, 2, 3, 3 }, Slice(weights, g * 54, 54), Slice(bias, g * 3, 3), strides: new[] { 2, 1 }, pads: new[] { 1, 0, 2, 1 });
            expected.AddRange(ReferenceEvaluator.Run(Graph(new[] { 2, 5, 5 }, part), Slice(input, g * 50, 50), 1));
        }

        Assert.Equal(expected.ToArray(), output);
    }

    [Fact]
    public void Depthwise_conv_equals_one_single_channel_conv_per_channel()
    {
        var random = new Random(11);
        var input = RandomArray(random, 3 * 4 * 4);
        var weights = RandomArray(random, 3 * 3 * 3);
        var depthwise = Conv("x", "y", new[] { 3, 1, 3, 3 }, weights, null, group: 3, pads: new[] { 1, 1, 1, 1 });
        Assert.True(depthwise.IsDepthwise);
        var graph = Graph(new[] { 3, 4, 4 }, depthwise);

        var output = ReferenceEvaluator.Run(graph, input, 1);

        var expected = new List<float>();
        for (var c = 0; c < 3; c++)
        {
            var single = Conv("x", "y", new[] { 1, 1, 3, 3 }, Slice(weights, c * 9, 9), null, pads: new[] { 1, 1, 1, 1 });
            expected.AddRange(ReferenceEvaluator.Run(Graph(new[] { 1, 4, 4 }, single), Slice(input, c * 16, 16), 1));
        }

        Assert.Equal(expected.ToArray(), output);
    }

    [Fact]
    public void Dense_computes_weight_rows_dot_input_plus_bias()
    {
        var dense = new DenseOperation("fc", "x", "y", new Tensor(new[] { 2, 2 }, new float[] { 1, 1, 2, -1 }), new[] { 0.5f, 0f }, Activation.None);
        var graph = Graph(new[] { 2 }, dense);

        Assert.Equal(new[] { 3.5f, 0f }, ReferenceEvaluator.Run(graph, new float[] { 1, 2 }, 1));
    }

    [Fact]
    public void Dense_over_a_3d_input_equals_dense_per_row_of_the_last_axis()
    {
        var random = new Random(3);
        var weight = new Tensor(new[] { 5, 4 }, RandomArray(random, 20));
        var bias = RandomArray(random, 5);
        var input = RandomArray(random, 2 * 2 * 3 * 4);
        var graph = Graph(new[] { 2, 3, 4 }, new DenseOperation("fc", "x", "y", weight, bias, Activation.Tanh));
        var perRow = Graph(new[] { 4 }, new DenseOperation("fc", "x", "y", weight, bias, Activation.Tanh));

        var output = ReferenceEvaluator.Run(graph, input, 2);

        Assert.Equal(new[] { 2, 3, 5 }, graph.OutputShape);
        var expected = Enumerable.Range(0, 12).SelectMany(row => ReferenceEvaluator.Run(perRow, Slice(input, row * 4, 4), 1)).ToArray();
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Max_pool_never_picks_the_padding()
    {
        var pool = Pool(PoolKind.Max, new[] { 2, 2 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 });
        var graph = Graph(new[] { 1, 2, 2 }, pool);

        var output = ReferenceEvaluator.Run(graph, new float[] { -4, -3, -2, -1 }, 1);

        Assert.Equal(new float[] { -4, -3, -3, -2, -1, -1, -2, -1, -1 }, output);
    }

    [Theory]
    [InlineData(true, 12f / 9f)]
    [InlineData(false, 12f / 4f)]
    public void Average_pool_corner_window_divides_by_kernel_or_by_real_elements(bool countIncludePad, float expectedCorner)
    {
        // x = 1..9 as 3×3; the top-left 3×3 window with pads 1 covers 1, 2, 4, 5 (sum 12) and five pads.
        var pool = Pool(PoolKind.Average, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, countIncludePad: countIncludePad);
        var graph = Graph(new[] { 1, 3, 3 }, pool);

        var output = ReferenceEvaluator.Run(graph, Enumerable.Range(1, 9).Select(i => (float)i).ToArray(), 1);

        Assert.Equal(expectedCorner, output[0], 6);
        Assert.Equal(5f, output[4], 6);
    }

    [Theory]
    [InlineData(PoolKind.Max, false, 16f)]
    [InlineData(PoolKind.Average, false, 16f)]
    [InlineData(PoolKind.Average, true, 4f)]
    public void Ceil_mode_adds_a_last_window_clipped_at_the_padded_input(PoolKind kind, bool countIncludePad, float expectedLast)
    {
        // 4×4 input 1..16, kernel 3, stride 2, pads 1: floor gives 2×2, ceil 3×3. The last window starts
        // at row/column 3 and spans 3, 4, 5: one real element (16) and one padded tap inside the padded
        // extent (4 + 1), so counting padding divides by 2·2, not 3·3.
        var pool = Pool(kind, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1, 1, 1 }, ceilMode: true, countIncludePad: countIncludePad);
        var graph = Graph(new[] { 1, 4, 4 }, pool);

        var output = ReferenceEvaluator.Run(graph, Enumerable.Range(1, 16).Select(i => (float)i).ToArray(), 1);

        Assert.Equal(new[] { 1, 3, 3 }, graph.OutputShape);
        Assert.Equal(expectedLast, output[8], 6);
    }

    [Fact]
    public void Dilated_max_pool_skips_the_elements_between_taps()
    {
        var pool = Pool(PoolKind.Max, new[] { 1, 2 }, new[] { 1, 1 }, NoPads, dilations: new[] { 1, 3 });
        var graph = Graph(new[] { 1, 1, 5 }, pool);

        // Windows read columns {0, 3} and {1, 4}; the 9 at column 2 is never read.
        Assert.Equal(new float[] { 4, 5 }, ReferenceEvaluator.Run(graph, new float[] { 1, 2, 9, 4, 5 }, 1));
    }

    [Fact]
    public void Global_average_pool_means_each_channel_plane()
    {
        var graph = Graph(new[] { 2, 2, 2 }, new GlobalAveragePoolOperation("gap", "x", "y", KeepDims: true));

        var output = ReferenceEvaluator.Run(graph, new float[] { 1, 2, 3, 4, -1, -1, -1, 5 }, 1);

        Assert.Equal(new[] { 2, 1, 1 }, graph.OutputShape);
        Assert.Equal(new[] { 2.5f, 0.5f }, output);
    }

    [Fact]
    public void Softmax_matches_hand_values_and_survives_large_inputs()
    {
        var graph = Graph(new[] { 2 }, new SoftmaxOperation("sm", "x", "y", Axis: 1, CoerceTo2D: false));

        var output = ReferenceEvaluator.Run(graph, new[] { 0f, (float)Math.Log(3), 1000f, 1000f }, 2);

        Assert.Equal(new[] { 0.25f, 0.75f, 0.5f, 0.5f }, output, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void Softmax_coerced_to_2d_normalises_over_every_axis_from_the_given_one()
    {
        var graph = Graph(new[] { 2, 3 }, new SoftmaxOperation("sm", "x", "y", Axis: 1, CoerceTo2D: true));
        var input = RandomArray(new Random(5), 12);

        var output = ReferenceEvaluator.Run(graph, input, 2);

        for (var n = 0; n < 2; n++)
        {
            Assert.Equal(1f, Slice(output, n * 6, 6).Sum(), 5);
        }
    }

    [Fact]
    public void Softmax_over_a_single_axis_normalises_along_that_axis_only()
    {
        var input = RandomArray(new Random(6), 2 * 2 * 3);
        var overRows = ReferenceEvaluator.Run(Graph(new[] { 2, 3 }, new SoftmaxOperation("sm", "x", "y", Axis: 1, CoerceTo2D: false)), input, 2);
        var overColumns = ReferenceEvaluator.Run(Graph(new[] { 2, 3 }, new SoftmaxOperation("sm", "x", "y", Axis: 2, CoerceTo2D: false)), input, 2);

        for (var n = 0; n < 2; n++)
        {
            for (var column = 0; column < 3; column++)
            {
                Assert.Equal(1f, overRows[(n * 6) + column] + overRows[(n * 6) + 3 + column], 5);
            }

            for (var row = 0; row < 2; row++)
            {
                Assert.Equal(1f, Slice(overColumns, (n * 6) + (row * 3), 3).Sum(), 5);
            }
        }
    }

    [Fact]
    public void Batch_norm_applies_the_formula_per_channel_of_every_sample()
    {
        // Channel 0: 6/√(3 + 1) = 3, so y = 3(x − 1) + 1. Channel 1: 0.5/√(15 + 1) = 0.125, so y = (x − 2)/8 − 1.
        var batchNorm = new BatchNormOperation("bn", "x", "y", Scale: new[] { 6f, 0.5f }, Bias: new[] { 1f, -1f }, Mean: new[] { 1f, 2f }, Variance: new[] { 3f, 15f }, Epsilon: 1f);
        var graph = Graph(new[] { 2, 1, 2 }, batchNorm);

        var output = ReferenceEvaluator.Run(graph, new float[] { 1, 3, 2, 10, 0, 2, 18, -6 }, 2);

        Assert.Equal(new float[] { 1, 7, -1, 0, -2, 4, 1, -2 }, output);
    }

    [Fact]
    public void Residual_add_with_relu_sums_both_branches_then_clamps()
    {
        var ops = new Operation[]
        {
            new AddConstantOperation("shift", "x", "shifted", new Tensor(new[] { 3 }, new float[] { -1, 1, -7 })),
            new AddOperation("residual", "x", "shifted", "y", Activation.Relu),
        };
        var graph = ModelGraph.Create("x", new[] { 3 }, ops, "y", ModelInfo.Empty);

        // relu(x + x + c) for each sample; the constant repeats per sample.
        var output = ReferenceEvaluator.Run(graph, new float[] { 1, -2, 3, 0.5f, 2, 4 }, 2);

        Assert.Equal(new float[] { 1, 0, 0, 0, 5, 1 }, output);
    }

    [Fact]
    public void Standalone_activations_apply_elementwise()
    {
        var clip = Graph(new[] { 4 }, new ActivationOperation("clip", "x", "y", Activation.Clip(0f, 6f)));
        var sigmoid = Graph(new[] { 1 }, new ActivationOperation("sigmoid", "x", "y", Activation.Sigmoid));

        Assert.Equal(new float[] { 0, 0.5f, 6, 6 }, ReferenceEvaluator.Run(clip, new float[] { -1, 0.5f, 6, 7 }, 1));
        Assert.Equal(0.5f, ReferenceEvaluator.Run(sigmoid, new[] { 0f }, 1)[0]);
    }

    [Fact]
    public void Reshape_leaves_the_data_unchanged()
    {
        var ops = new Operation[]
        {
            new ReshapeOperation("flatten", "x", "flat", new[] { -1 }),
            new ReshapeOperation("reshape", "flat", "y", new[] { 3, 2 }),
        };
        var graph = ModelGraph.Create("x", new[] { 2, 3 }, ops, "y", ModelInfo.Empty);
        var input = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();

        Assert.Equal(input, ReferenceEvaluator.Run(graph, input, 2));
        Assert.Equal(new[] { 3, 2 }, graph.OutputShape);
    }

    [Fact]
    public void Wrong_input_length_throws_with_expected_and_actual_sizes()
    {
        var graph = Graph(new[] { 2, 3 }, new ActivationOperation("relu", "x", "y", Activation.Relu));

        var error = Assert.Throws<ArgumentException>(() => ReferenceEvaluator.Run(graph, new float[10], 2));

        Assert.Contains("10", error.Message, StringComparison.Ordinal);
        Assert.Contains("12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_below_one_throws()
    {
        var graph = Graph(new[] { 2 }, new ActivationOperation("relu", "x", "y", Activation.Relu));

        Assert.Throws<ArgumentException>(() => ReferenceEvaluator.Run(graph, Array.Empty<float>(), 0));
    }

    [Fact]
    public void Model_above_the_mac_limit_is_refused_before_running()
    {
        // 2048×2048 outputs × a 129×129 kernel ≈ 7·10¹⁰ multiply-adds per sample.
        var kernel = new[] { 1, 1, 129, 129 };
        var conv = Conv("x", "y", kernel, new float[129 * 129], null, pads: new[] { 64, 64, 64, 64 });
        var graph = Graph(new[] { 1, 2048, 2048 }, conv);

        var error = Assert.Throws<ModelException>(() => ReferenceEvaluator.Run(graph, new float[2048 * 2048], 1));

        Assert.Equal(ModelErrorCode.LimitExceeded, error.Error.Code);
        Assert.Contains("MaxMacsPerSample", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_of_three_equals_three_runs_of_one()
    {
        var graph = SmallCnn(new Random(21));
        var input = RandomArray(new Random(22), 3 * graph.InputLength);

        var batched = ReferenceEvaluator.Run(graph, input, 3);

        var oneByOne = Enumerable.Range(0, 3)
            .SelectMany(n => ReferenceEvaluator.Run(graph, Slice(input, n * graph.InputLength, graph.InputLength), 1))
            .ToArray();
        Assert.Equal(3 * graph.OutputLength, batched.Length);
        Assert.Equal(oneByOne, batched);
    }

    [Fact]
    public void Run_all_returns_every_value_and_agrees_with_run()
    {
        var graph = SmallCnn(new Random(31));
        var input = RandomArray(new Random(32), 2 * graph.InputLength);

        var values = ReferenceEvaluator.RunAll(graph, input, 2);

        Assert.Equal(graph.Shapes.Keys.OrderBy(k => k, StringComparer.Ordinal), values.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var value in values)
        {
            Assert.Equal(2 * ShapeInference.ElementCount(graph.ShapeOf(value.Key)), value.Value.Length);
        }

        Assert.Equal(input, values["x"]);
        Assert.Equal(ReferenceEvaluator.Run(graph, input, 2), values[graph.OutputName]);
    }

    [Fact]
    public void An_output_that_later_ops_also_read_is_still_returned()
    {
        var ops = new Operation[]
        {
            new ActivationOperation("relu", "x", "y", Activation.Relu),
            new ActivationOperation("tanh", "y", "unused", Activation.Tanh),
        };
        var graph = ModelGraph.Create("x", new[] { 2 }, ops, "y", ModelInfo.Empty);

        Assert.Equal(new float[] { 0, 2 }, ReferenceEvaluator.Run(graph, new float[] { -1, 2 }, 1));
    }

    private static ModelGraph SmallCnn(Random random)
    {
        var ops = new Operation[]
        {
            Conv("x", "c1", new[] { 4, 2, 3, 3 }, RandomArray(random, 4 * 2 * 9), RandomArray(random, 4), strides: new[] { 2, 2 }, pads: new[] { 1, 1, 1, 1 }, activation: Activation.Relu),
            new PoolOperation("pool", "c1", "p1", PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, NoPads, Ones, CeilMode: true, CountIncludePad: false),
            new ReshapeOperation("flatten", "p1", "flat", new[] { -1 }),
            new DenseOperation("fc", "flat", "logits", new Tensor(new[] { 3, 16 }, RandomArray(random, 48)), RandomArray(random, 3), Activation.None),
            new SoftmaxOperation("softmax", "logits", "y", Axis: 1, CoerceTo2D: false),
        };
        return ModelGraph.Create("x", new[] { 2, 7, 7 }, ops, "y", ModelInfo.Empty);
    }

    [Fact]
    public void Max_pool_is_NaN_wherever_its_window_holds_a_NaN_whatever_its_position()
    {
        // Four 2×2 windows side by side, a NaN at a different corner of the first three; PyTorch and IEEE 754's maximum
        // give NaN for each (ONNX Runtime's MaxPool keeps it only at the corner its loop visits last).
        var nan = float.NaN;
        var graph = Graph(new[] { 1, 2, 8 }, Pool(PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, NoPads));
        var input = new[]
        {
            nan, 1f, 2f, nan, 4f, 5f, 6f, 7f,
            8f, 9f, 1f, 2f, nan, 3f, 4f, -0f,
        };

        var output = ReferenceEvaluator.Run(graph, input, 1);

        Assert.Equal(new[] { nan, nan, nan, 7f }, output);
    }

    [Fact]
    public void Relu_keeps_NaN_and_infinity_and_takes_minus_infinity_to_zero()
    {
        var graph = Graph(new[] { 5 }, new ActivationOperation("relu", "x", "y", Activation.Relu));

        var output = ReferenceEvaluator.Run(graph, new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -3f, 2f }, 1);

        Assert.Equal(new[] { float.NaN, float.PositiveInfinity, 0f, 0f, 2f }, output);
    }

    [Fact]
    public void Zero_weights_skipped_keep_a_NaN_input_out_of_the_outputs_it_reaches_only_through_them()
    {
        // Output 0 reads the NaN through weight 0, output 1 through weight 2: multiplied, both are NaN (0 · NaN); skipped,
        // output 0 is its other terms plus bias.
        var dense = new DenseOperation("fc", "x", "y", new Tensor(new[] { 2, 2 }, new[] { 0f, 1f, 2f, 3f }), new[] { 0.5f, 0f }, Activation.None);
        var graph = Graph(new[] { 2 }, dense);
        var input = new[] { float.NaN, 4f };

        var multiplied = ReferenceEvaluator.Run(graph, input, 1, ZeroWeights.Multiplied);
        var skipped = ReferenceEvaluator.Run(graph, input, 1, ZeroWeights.Skipped);

        Assert.Equal(new[] { float.NaN, float.NaN }, multiplied);
        Assert.Equal(new[] { 4.5f, float.NaN }, skipped);
    }

    [Fact]
    public void Zero_weights_skipped_in_a_convolution_leave_infinities_out_of_windows_that_read_them_only_through_zeros()
    {
        // A 1×2 kernel [0, 1] over [+∞, 1, 2]: window 0 reads +∞ through the zero weight.
        var conv = Conv("x", "y", new[] { 1, 1, 1, 2 }, new[] { 0f, 1f }, null);
        var graph = Graph(new[] { 1, 1, 3 }, conv);
        var input = new[] { float.PositiveInfinity, 1f, 2f };

        Assert.Equal(new[] { float.NaN, 2f }, ReferenceEvaluator.Run(graph, input, 1, ZeroWeights.Multiplied));
        Assert.Equal(new[] { 1f, 2f }, ReferenceEvaluator.Run(graph, input, 1, ZeroWeights.Skipped));
    }

    private static ModelGraph Graph(int[] inputShape, Operation op) =>
        ModelGraph.Create("x", inputShape, new[] { op }, op.Output, ModelInfo.Empty);

    private static ConvOperation Conv(
        string input,
        string output,
        int[] weightShape,
        float[] weights,
        float[]? bias,
        int group = 1,
        int[]? strides = null,
        int[]? pads = null,
        int[]? dilations = null,
        Activation? activation = null) =>
        new("conv", input, output, new Tensor(weightShape, weights), bias, group, strides ?? Ones, pads ?? NoPads, dilations ?? Ones, activation ?? Activation.None);

    private static PoolOperation Pool(PoolKind kind, int[] kernel, int[] strides, int[] pads, int[]? dilations = null, bool ceilMode = false, bool countIncludePad = false) =>
        new("pool", "x", "y", kind, kernel, strides, pads, dilations ?? Ones, ceilMode, countIncludePad);

    private static float[] RandomArray(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

    private static float[] Slice(float[] source, int start, int length) => source.Skip(start).Take(length).ToArray();

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
