using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;
using static SparseGen.Model.Onnx.OnnxModelBuilder;

namespace SparseGen.Model.Tests.Conformance;

/// <summary>Every supported op with several attribute combinations, odd sizes and sparse weights.</summary>
internal static class OpCases
{
    public static IReadOnlyList<OpCase> All { get; } = Build().ToArray();

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static OpCase Get(string name) => All.Single(c => c.Name == name);

    private static IEnumerable<OpCase> Build()
    {
        // Conv: (channels in, out, group, kernel, strides, pads, dilations, bias, auto_pad)
        yield return Conv("Conv_3x3_pad1", 3, 4, 1, new[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 1, 1, 1, 1 }, new long[] { 1, 1 }, true, null, input: new[] { 3, 7, 5 });
        yield return Conv("Conv_3x2_stride2_asymmetric_pads", 2, 3, 1, new[] { 3, 2 }, new long[] { 2, 2 }, new long[] { 0, 1, 1, 0 }, new long[] { 1, 1 }, true, null, input: new[] { 2, 9, 8 });
        yield return Conv("Conv_dilation2_no_bias", 2, 3, 1, new[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 2, 2, 2, 2 }, new long[] { 2, 2 }, false, null, input: new[] { 2, 8, 7 });
        yield return Conv("Conv_group2", 4, 6, 2, new[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 1, 1, 1, 1 }, new long[] { 1, 1 }, true, null, input: new[] { 4, 6, 6 });
        yield return Conv("Conv_depthwise", 5, 5, 5, new[] { 3, 3 }, new long[] { 2, 2 }, new long[] { 1, 1, 1, 1 }, new long[] { 1, 1 }, true, null, input: new[] { 5, 7, 7 });
        yield return Conv("Conv_1x1_sparse90", 8, 6, 1, new[] { 1, 1 }, new long[] { 1, 1 }, new long[] { 0, 0, 0, 0 }, new long[] { 1, 1 }, true, null, input: new[] { 8, 5, 3 }, zeros: 0.9);
        yield return Conv("Conv_auto_pad_same_upper", 2, 2, 1, new[] { 2, 2 }, new long[] { 2, 2 }, null, new long[] { 1, 1 }, true, "SAME_UPPER", input: new[] { 2, 5, 5 });
        yield return Conv("Conv_auto_pad_same_lower", 2, 2, 1, new[] { 2, 2 }, new long[] { 1, 1 }, null, new long[] { 1, 1 }, true, "SAME_LOWER", input: new[] { 2, 5, 4 });
        yield return Conv("Conv_auto_pad_valid", 2, 3, 1, new[] { 3, 3 }, new long[] { 1, 1 }, null, new long[] { 1, 1 }, true, "VALID", input: new[] { 2, 5, 6 });

        // Gemm and MatMul
        yield return Gemm("Gemm_transB", transB: true, alpha: 1f, beta: 1f, biasShape: new[] { 5 });
        yield return Gemm("Gemm_no_transpose_alpha_beta", transB: false, alpha: 0.5f, beta: 2f, biasShape: new[] { 1, 5 });
        yield return Gemm("Gemm_scalar_bias", transB: true, alpha: 1f, beta: 1f, biasShape: new[] { 1 });
        yield return Gemm("Gemm_no_bias", transB: true, alpha: 1f, beta: 1f, biasShape: null);
        yield return new OpCase("MatMul_2d", 13, new[] { 7 }, b =>
        {
            b.Initializer("w", new[] { 7, 3 }, RandomData.SparseWeights(11, 21, 0.5));
            b.Node("MatMul", new[] { "x", "w" }, new[] { "y" });
        });
        yield return new OpCase("MatMul_3d_plus_bias", 13, new[] { 4, 6 }, b =>
        {
            b.Initializer("w", new[] { 6, 5 }, RandomData.SparseWeights(12, 30, 0.6));
            b.Initializer("bias", new[] { 5 }, RandomData.Floats(13, 5));
            b.Node("MatMul", new[] { "x", "w" }, new[] { "m" });
            b.Node("Add", new[] { "m", "bias" }, new[] { "y" });
        });

        // Add
        yield return new OpCase("Add_residual", 13, new[] { 2, 3, 3 }, b =>
        {
            b.Node("Relu", new[] { "x" }, new[] { "r" });
            b.Node("Add", new[] { "r", "x" }, new[] { "y" });
        });
        yield return new OpCase("Add_channel_constant", 13, new[] { 3, 2, 4 }, b =>
        {
            b.Initializer("c", new[] { 3, 1, 1 }, RandomData.Floats(14, 3));
            b.Node("Add", new[] { "c", "x" }, new[] { "y" });
        });
        yield return new OpCase("Add_scalar_constant", 13, new[] { 5 }, b =>
        {
            b.Initializer("c", Array.Empty<int>(), new[] { 0.25f });
            b.Node("Add", new[] { "x", "c" }, new[] { "y" });
        });
        yield return new OpCase("Add_full_constant_with_batch_axis", 13, new[] { 2, 3 }, b =>
        {
            b.Initializer("c", new[] { 1, 2, 3 }, RandomData.Floats(15, 6));
            b.Node("Add", new[] { "x", "c" }, new[] { "y" });
        });

        // Activations
        yield return Unary("Relu", 13);
        yield return Unary("Sigmoid", 13);
        yield return Unary("Tanh", 13);
        yield return new OpCase("Clip_opset10_attributes", 10, new[] { 3, 4 }, b =>
            b.Node("Clip", new[] { "x" }, new[] { "y" }, Attr("min", -0.5f), Attr("max", 0.6f)));
        yield return new OpCase("Clip_opset13_inputs_relu6", 13, new[] { 3, 4 }, b =>
        {
            b.Initializer("min", Array.Empty<int>(), new[] { 0f });
            b.Initializer("max", Array.Empty<int>(), new[] { 0.5f });
            b.Node("Clip", new[] { "x", "min", "max" }, new[] { "y" });
        });
        yield return new OpCase("Clip_opset13_min_only", 13, new[] { 6 }, b =>
        {
            b.Initializer("min", Array.Empty<int>(), new[] { -0.2f });
            b.Node("Clip", new[] { "x", "min" }, new[] { "y" });
        });

        // Softmax
        yield return new OpCase("Softmax_opset11_coerced_axis1", 11, new[] { 3, 4 }, b =>
            b.Node("Softmax", new[] { "x" }, new[] { "y" }, Attr("axis", 1L)));
        yield return new OpCase("Softmax_opset13_last_axis", 13, new[] { 3, 4 }, b =>
            b.Node("Softmax", new[] { "x" }, new[] { "y" }));
        yield return new OpCase("Softmax_opset13_axis1", 13, new[] { 3, 4 }, b =>
            b.Node("Softmax", new[] { "x" }, new[] { "y" }, Attr("axis", 1L)));

        // Pools
        yield return Pool("MaxPool_2x2_stride2", "MaxPool", 12, new long[] { 2, 2 }, new long[] { 2, 2 }, null, false, null, null, new[] { 2, 7, 6 });
        yield return Pool("MaxPool_3x3_stride2_pad1", "MaxPool", 12, new long[] { 3, 3 }, new long[] { 2, 2 }, new long[] { 1, 1, 1, 1 }, false, null, null, new[] { 2, 7, 7 });
        yield return Pool("MaxPool_ceil_mode", "MaxPool", 12, new long[] { 2, 2 }, new long[] { 2, 2 }, null, true, null, null, new[] { 1, 7, 5 });
        yield return Pool("MaxPool_dilation2_asymmetric_pads", "MaxPool", 12, new long[] { 2, 3 }, new long[] { 1, 2 }, new long[] { 1, 0, 0, 2 }, false, new long[] { 2, 1 }, null, new[] { 2, 8, 7 });
        yield return Pool("AveragePool_pad_excluded", "AveragePool", 13, new long[] { 3, 3 }, new long[] { 2, 2 }, new long[] { 1, 1, 1, 1 }, false, null, 0, new[] { 2, 7, 6 });
        yield return Pool("AveragePool_pad_included", "AveragePool", 13, new long[] { 3, 3 }, new long[] { 2, 2 }, new long[] { 1, 1, 1, 1 }, false, null, 1, new[] { 2, 7, 6 });
        yield return Pool("AveragePool_ceil_mode", "AveragePool", 13, new long[] { 2, 2 }, new long[] { 2, 2 }, null, true, null, 0, new[] { 2, 5, 7 });
        yield return new OpCase("GlobalAveragePool", 13, new[] { 3, 5, 4 }, b =>
            b.Node("GlobalAveragePool", new[] { "x" }, new[] { "y" }));
        yield return new OpCase("ReduceMean_opset13_keepdims", 13, new[] { 3, 5, 4 }, b =>
            b.Node("ReduceMean", new[] { "x" }, new[] { "y" }, Attr("axes", new long[] { 2, 3 })));
        yield return new OpCase("ReduceMean_opset13_no_keepdims_negative_axes", 13, new[] { 3, 5, 4 }, b =>
            b.Node("ReduceMean", new[] { "x" }, new[] { "y" }, Attr("axes", new long[] { -1, -2 }), Attr("keepdims", 0L)));
        yield return new OpCase("ReduceMean_opset18_axes_input", 18, new[] { 3, 5, 4 }, b =>
        {
            b.Int64Initializer("axes", new long[] { 2, 3 });
            b.Node("ReduceMean", new[] { "x", "axes" }, new[] { "y" }, Attr("keepdims", 0L));
        });

        // Shapes
        yield return new OpCase("Flatten_axis1", 13, new[] { 2, 3, 4 }, b => b.Node("Flatten", new[] { "x" }, new[] { "y" }));
        yield return new OpCase("Flatten_negative_axis", 13, new[] { 2, 3, 4 }, b => b.Node("Flatten", new[] { "x" }, new[] { "y" }, Attr("axis", -3L)));
        yield return new OpCase("Reshape_minus1_first", 13, new[] { 2, 3, 4 }, b =>
        {
            b.Int64Initializer("shape", new long[] { -1, 6, 4 });
            b.Node("Reshape", new[] { "x", "shape" }, new[] { "y" });
        });
        yield return new OpCase("Reshape_zero_copies_batch", 13, new[] { 2, 3, 4 }, b =>
        {
            b.Int64Initializer("shape", new long[] { 0, 0, -1 });
            b.Node("Reshape", new[] { "x", "shape" }, new[] { "y" });
        });
        yield return new OpCase("Reshape_from_shape_subgraph", 13, new[] { 2, 3, 4 }, b =>
        {
            b.Int64Initializer("zero", new long[] { 0 }, Array.Empty<int>());
            b.Int64Initializer("axes", new long[] { 0 });
            b.Int64Initializer("minus_one", new long[] { -1 });
            b.Node("Shape", new[] { "x" }, new[] { "shape" });
            b.Node("Gather", new[] { "shape", "zero" }, new[] { "batch" }, Attr("axis", 0L));
            b.Node("Unsqueeze", new[] { "batch", "axes" }, new[] { "batch1" });
            b.Node("Concat", new[] { "batch1", "minus_one" }, new[] { "target" }, Attr("axis", 0L));
            b.Node("Reshape", new[] { "x", "target" }, new[] { "y" });
        });
        yield return new OpCase("Reshape_from_shape_slice_opset13", 13, new[] { 2, 3, 4 }, b =>
        {
            b.Int64Initializer("starts", new long[] { 0 });
            b.Int64Initializer("ends", new long[] { 1 });
            b.Int64Initializer("rest", new long[] { 3, 8 });
            b.Node("Shape", new[] { "x" }, new[] { "shape" });
            b.Node("Slice", new[] { "shape", "starts", "ends" }, new[] { "batch" });
            b.Node("Concat", new[] { "batch", "rest" }, new[] { "target" }, Attr("axis", 0L));
            b.Node("Reshape", new[] { "x", "target" }, new[] { "y" });
        });
        yield return new OpCase("Unsqueeze_then_Squeeze", 13, new[] { 3, 4 }, b =>
        {
            b.Int64Initializer("axes", new long[] { 2 });
            b.Node("Unsqueeze", new[] { "x", "axes" }, new[] { "u" });
            b.Node("Relu", new[] { "u" }, new[] { "r" });
            b.Node("Squeeze", new[] { "r", "axes" }, new[] { "y" });
        });

        // BatchNormalization, folded after a conv and standalone after a relu
        yield return new OpCase("BatchNorm_after_conv", 13, new[] { 2, 5, 5 }, b =>
        {
            b.Initializer("w", new[] { 3, 2, 3, 3 }, RandomData.SparseWeights(21, 54, 0.5));
            BatchNormParameters(b, 3, 22);
            b.Node("Conv", new[] { "x", "w" }, new[] { "c" }, Attr("pads", new long[] { 1, 1, 1, 1 }));
            b.Node("BatchNormalization", new[] { "c", "scale", "bias", "mean", "var" }, new[] { "y" }, Attr("epsilon", 1e-3f));
        });
        yield return new OpCase("BatchNorm_standalone_rank2", 13, new[] { 4 }, b =>
        {
            BatchNormParameters(b, 4, 23);
            b.Node("Relu", new[] { "x" }, new[] { "r" });
            b.Node("BatchNormalization", new[] { "r", "scale", "bias", "mean", "var" }, new[] { "y" });
        });

        // Structural no-ops
        yield return new OpCase("Identity_Dropout_Constant", 13, new[] { 6 }, b =>
        {
            b.Node("Constant", Array.Empty<string>(), new[] { "k" }, Attr("value", OnnxTensors.FromFloats("k", new[] { 6 }, RandomData.Floats(24, 6))));
            b.Node("Identity", new[] { "x" }, new[] { "i" });
            b.Node("Dropout", new[] { "i" }, new[] { "d" });
            b.Node("Add", new[] { "d", "k" }, new[] { "y" });
        });
    }

    private static OpCase Conv(
        string name, int inChannels, int outChannels, int group, int[] kernel, long[] strides, long[]? pads, long[] dilations,
        bool bias, string? autoPad, int[] input, double zeros = 0.5)
    {
        return new OpCase(name, 13, input, b =>
        {
            var weightCount = outChannels * (inChannels / group) * kernel[0] * kernel[1];
            b.Initializer("w", new[] { outChannels, inChannels / group, kernel[0], kernel[1] }, RandomData.SparseWeights(name.Length, weightCount, zeros));
            var inputs = new List<string> { "x", "w" };
            if (bias)
            {
                b.Initializer("b", new[] { outChannels }, RandomData.Floats(name.Length + 1, outChannels));
                inputs.Add("b");
            }

            var attributes = new List<OnnxAttributeProto>
            {
                Attr("kernel_shape", kernel.Select(k => (long)k).ToArray()),
                Attr("strides", strides),
                Attr("dilations", dilations),
                Attr("group", (long)group),
            };
            if (pads is not null) attributes.Add(Attr("pads", pads));
            if (autoPad is not null) attributes.Add(Attr("auto_pad", autoPad));
            b.Node("Conv", inputs.ToArray(), new[] { "y" }, attributes.ToArray());
        });
    }

    private static OpCase Gemm(string name, bool transB, float alpha, float beta, int[]? biasShape)
    {
        return new OpCase(name, 13, new[] { 6 }, b =>
        {
            b.Initializer("w", transB ? new[] { 5, 6 } : new[] { 6, 5 }, RandomData.SparseWeights(31, 30, 0.4));
            var inputs = new List<string> { "x", "w" };
            if (biasShape is not null)
            {
                b.Initializer("c", biasShape, RandomData.Floats(32, biasShape.Aggregate(1, (p, d) => p * d)));
                inputs.Add("c");
            }

            b.Node("Gemm", inputs.ToArray(), new[] { "y" }, Attr("transB", transB ? 1L : 0L), Attr("alpha", alpha), Attr("beta", beta));
        });
    }

    private static OpCase Unary(string op, int opset) =>
        new(op, opset, new[] { 2, 3, 2 }, b => b.Node(op, new[] { "x" }, new[] { "y" }));

    private static OpCase Pool(
        string name, string op, int opset, long[] kernel, long[] strides, long[]? pads, bool ceil, long[]? dilations, long? countIncludePad, int[] input)
    {
        return new OpCase(name, opset, input, b =>
        {
            var attributes = new List<OnnxAttributeProto> { Attr("kernel_shape", kernel), Attr("strides", strides) };
            if (pads is not null) attributes.Add(Attr("pads", pads));
            if (ceil) attributes.Add(Attr("ceil_mode", 1L));
            if (dilations is not null) attributes.Add(Attr("dilations", dilations));
            if (countIncludePad is { } include) attributes.Add(Attr("count_include_pad", include));
            b.Node(op, new[] { "x" }, new[] { "y" }, attributes.ToArray());
        });
    }

    private static void BatchNormParameters(OnnxModelBuilder b, int channels, int seed)
    {
        b.Initializer("scale", new[] { channels }, RandomData.Floats(seed, channels, 0.5f, 1.5f));
        b.Initializer("bias", new[] { channels }, RandomData.Floats(seed + 1, channels));
        b.Initializer("mean", new[] { channels }, RandomData.Floats(seed + 2, channels));
        b.Initializer("var", new[] { channels }, RandomData.Floats(seed + 3, channels, 0.2f, 2f));
    }
}
