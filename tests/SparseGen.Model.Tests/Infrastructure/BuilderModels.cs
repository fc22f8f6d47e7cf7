using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Onnx;
using static SparseGen.Model.Onnx.OnnxModelBuilder;

namespace SparseGen.Model.Tests.Infrastructure;

/// <summary>A small model made with <see cref="OnnxModelBuilder"/>, with its per-sample input shape and output size.</summary>
internal sealed record BuilderModel(string Name, OnnxModelProto Model, int[] InputShape, int OutputElementsPerSample)
{
    public byte[] Bytes() => OnnxWriter.Write(Model);

    public override string ToString() => Name;
}

/// <summary>
/// Small models built in code. Those in <see cref="Runnable"/> are valid ONNX that ONNX Runtime runs;
/// <see cref="EveryFieldKind"/> only exercises the wire format. Each call builds new objects.
/// </summary>
internal static class BuilderModels
{
    public static IReadOnlyList<BuilderModel> Runnable() => new[]
    {
        ConvReluPoolGemm(), MlpSoftmax(), ResidualBatchNormGlobalPool(), ConstantClipSigmoid(), DepthwiseConvOpset11(),
    };

    public static TheoryData<string> RunnableNames => new(Runnable().Select(m => m.Name));

    public static BuilderModel Get(string name) => Runnable().Single(m => m.Name == name);

    /// <summary>The input dims with a symbolic batch first.</summary>
    public static OnnxDimension[] Batched(params long[] perSample) =>
        new[] { OnnxDimension.Symbol("batch") }.Concat(perSample.Select(OnnxDimension.Of)).ToArray();

    /// <summary>Conv 1→2 3×3 pad 1 → Relu → MaxPool 2 → Flatten → Gemm 18→4.</summary>
    public static BuilderModel ConvReluPoolGemm()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("input", Batched(1, 6, 6));
        builder.Initializer("conv.weight", new[] { 2, 1, 3, 3 }, RandomData.SparseWeights(1, 18, 0.5));
        builder.Initializer("conv.bias", new[] { 2 }, RandomData.Floats(2, 2));
        builder.Initializer("fc.weight", new[] { 4, 18 }, RandomData.SparseWeights(3, 72, 0.75));
        builder.Initializer("fc.bias", new[] { 4 }, RandomData.Floats(4, 4));
        builder.Node("Conv", new[] { "input", "conv.weight", "conv.bias" }, new[] { "conv" },
            Attr("kernel_shape", new long[] { 3, 3 }), Attr("pads", new long[] { 1, 1, 1, 1 }), Attr("strides", new long[] { 1, 1 }));
        builder.Node("Relu", new[] { "conv" }, new[] { "relu" });
        builder.Node("MaxPool", new[] { "relu" }, new[] { "pool" }, Attr("kernel_shape", new long[] { 2, 2 }), Attr("strides", new long[] { 2, 2 }));
        builder.Node("Flatten", new[] { "pool" }, new[] { "flat" }, Attr("axis", 1L));
        builder.Node("Gemm", new[] { "flat", "fc.weight", "fc.bias" }, new[] { "output" }, Attr("transB", 1L));
        builder.Output("output", Batched(4));
        return new BuilderModel(nameof(ConvReluPoolGemm), builder.Build(), new[] { 1, 6, 6 }, 4);
    }

    /// <summary>Gemm 8→5 → Relu → Gemm 5→3 → Softmax.</summary>
    public static BuilderModel MlpSoftmax()
    {
        var builder = new OnnxModelBuilder(opset: 13);
        builder.Input("x", Batched(8));
        builder.Initializer("w1", new[] { 5, 8 }, RandomData.Floats(5, 40));
        builder.Initializer("b1", new[] { 5 }, RandomData.Floats(6, 5));
        builder.Initializer("w2", new[] { 3, 5 }, RandomData.Floats(7, 15));
        builder.Initializer("b2", new[] { 3 }, RandomData.Floats(8, 3));
        builder.Node("Gemm", new[] { "x", "w1", "b1" }, new[] { "h" }, Attr("transB", 1L), Attr("alpha", 1f), Attr("beta", 1f));
        builder.Node("Relu", new[] { "h" }, new[] { "hr" });
        builder.Node("Gemm", new[] { "hr", "w2", "b2" }, new[] { "logits" }, Attr("transB", 1L));
        builder.Node("Softmax", new[] { "logits" }, new[] { "probabilities" }, Attr("axis", 1L));
        builder.Output("probabilities", Batched(3));
        builder.Metadata("purpose", "test");
        return new BuilderModel(nameof(MlpSoftmax), builder.Build(), new[] { 8 }, 3);
    }

    /// <summary>Conv → BatchNormalization → Relu → Add(input) → GlobalAveragePool → Reshape [-1, 2].</summary>
    public static BuilderModel ResidualBatchNormGlobalPool()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("input", Batched(2, 4, 4));
        builder.Initializer("w", new[] { 2, 2, 3, 3 }, RandomData.SparseWeights(9, 36, 0.6));
        builder.Initializer("bn.scale", new[] { 2 }, new[] { 1.5f, 0.5f });
        builder.Initializer("bn.bias", new[] { 2 }, new[] { 0.1f, -0.2f });
        builder.Initializer("bn.mean", new[] { 2 }, new[] { 0.05f, -0.1f });
        builder.Initializer("bn.var", new[] { 2 }, new[] { 0.9f, 1.2f });
        builder.Int64Initializer("shape", new long[] { -1, 2 });
        builder.Node("Conv", new[] { "input", "w" }, new[] { "c" }, Attr("pads", new long[] { 1, 1, 1, 1 }));
        builder.Node("BatchNormalization", new[] { "c", "bn.scale", "bn.bias", "bn.mean", "bn.var" }, new[] { "bn" }, Attr("epsilon", 1e-5f));
        builder.Node("Relu", new[] { "bn" }, new[] { "r" });
        builder.Node("Add", new[] { "r", "input" }, new[] { "sum" });
        builder.Node("GlobalAveragePool", new[] { "sum" }, new[] { "gap" });
        builder.Node("Reshape", new[] { "gap", "shape" }, new[] { "output" });
        builder.Output("output", Batched(2));
        return new BuilderModel(nameof(ResidualBatchNormGlobalPool), builder.Build(), new[] { 2, 4, 4 }, 2);
    }

    /// <summary>Mul by a Constant node's tensor → Clip with scalar min/max initializers → Sigmoid.</summary>
    public static BuilderModel ConstantClipSigmoid()
    {
        var builder = new OnnxModelBuilder(opset: 13);
        builder.Input("x", Batched(3));
        builder.Initializer("min", Array.Empty<int>(), new[] { -0.5f });
        builder.Initializer("max", Array.Empty<int>(), new[] { 6f });
        builder.Node("Constant", Array.Empty<string>(), new[] { "scale" }, Attr("value", OnnxTensors.FromFloats("", new[] { 3 }, new[] { 2f, -1f, 0.5f })));
        builder.Node("Mul", new[] { "x", "scale" }, new[] { "scaled" });
        builder.Node("Clip", new[] { "scaled", "min", "max" }, new[] { "clipped" });
        builder.Node("Sigmoid", new[] { "clipped" }, new[] { "y" });
        builder.Output("y", Batched(3));
        return new BuilderModel(nameof(ConstantClipSigmoid), builder.Build(), new[] { 3 }, 3);
    }

    /// <summary>Depthwise Conv (group 4) stride 2 → Tanh → Flatten, at opset 11.</summary>
    public static BuilderModel DepthwiseConvOpset11()
    {
        var builder = new OnnxModelBuilder(opset: 11);
        builder.Input("input", Batched(4, 5, 5));
        builder.Initializer("dw", new[] { 4, 1, 3, 3 }, RandomData.SparseWeights(10, 36, 0.3));
        builder.Node("Conv", new[] { "input", "dw" }, new[] { "c" },
            Attr("group", 4L), Attr("strides", new long[] { 2, 2 }), Attr("pads", new long[] { 1, 1, 1, 1 }), Attr("dilations", new long[] { 1, 1 }));
        builder.Node("Tanh", new[] { "c" }, new[] { "t" });
        builder.Node("Flatten", new[] { "t" }, new[] { "output" });
        builder.Output("output", Batched(36));
        return new BuilderModel(nameof(DepthwiseConvOpset11), builder.Build(), new[] { 4, 5, 5 }, 36);
    }

    /// <summary>
    /// Every field the reader keeps, with awkward values: NaN payloads and −0.0 in raw data, float_data
    /// and attributes, non-ASCII strings, negative ints, unknown and doubly-set dimensions. Not runnable.
    /// </summary>
    public static OnnxModelProto EveryFieldKind()
    {
        var quietNaNWithPayload = BitConverter.Int32BitsToSingle(0x7FC0_1234);
        var signalingNaN = BitConverter.Int32BitsToSingle(0x7F80_0001);
        var negativeNaN = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC0_0000));
        var awkward = new[] { quietNaNWithPayload, signalingNaN, negativeNaN, -0f, 0f, float.Epsilon, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue };

        var builder = new OnnxModelBuilder(opset: 18, producerName: "SparseGen tests ✓");
        builder.GraphName = "every field";
        builder.Input("input", OnnxDimension.Symbol("batch"), new OnnxDimension(), new OnnxDimension { Value = 3, Param = "both" }).DocString = "input doc";
        builder.Initializer("awkward", new[] { 3, 3 }, awkward);
        builder.Int64Initializer("longs", new[] { long.MinValue, -1, 0, long.MaxValue }, new[] { 2, 2 });

        var floatData = new OnnxTensorProto { Name = "float_data", DataType = OnnxDataType.Float, DocString = "typed" };
        floatData.Dims.Add(awkward.Length);
        floatData.FloatData.AddRange(awkward);
        var int32Data = new OnnxTensorProto { Name = "int32_data", DataType = OnnxDataType.Int32 };
        int32Data.Dims.Add(3);
        int32Data.Int32Data.AddRange(new[] { int.MinValue, -7, int.MaxValue });
        var doubleData = new OnnxTensorProto { Name = "double_data", DataType = OnnxDataType.Double };
        doubleData.Dims.Add(3);
        doubleData.DoubleData.AddRange(new[] { BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_ABCD), -0d, double.Epsilon });
        var int64Data = new OnnxTensorProto { Name = "int64_data", DataType = OnnxDataType.Int64 };
        int64Data.Int64Data.Add(-42);

        var model = builder.Build();
        model.Graph!.Initializers.Add(floatData);
        model.Graph.Initializers.Add(int32Data);
        model.Graph.Initializers.Add(doubleData);

        var node = builder.Node("Custom", new[] { "input", "awkward", "" }, new[] { "output", "second" },
            Attr("f_nan", quietNaNWithPayload),
            Attr("f_negative_zero", -0f),
            Attr("i", -5L),
            Attr("s", "héllo ∑"),
            Attr("ints", new long[] { long.MinValue, 0, long.MaxValue }),
            Attr("floats", awkward),
            Attr("t", int64Data),
            new OnnxAttributeProto { Name = "strings", Type = OnnxAttributeType.Strings, Strings = { new byte[] { 0, 1, 255 }, Array.Empty<byte>() } },
            new OnnxAttributeProto { Name = "ref", Type = OnnxAttributeType.Int, RefAttrName = "outer", DocString = "attribute doc" });
        node.Domain = "com.example";
        node.DocString = "node doc";
        builder.Output("output", OnnxDimension.Symbol("batch"));
        builder.Output("second").Shape = null;
        builder.Metadata("key ✓", "value\nwith newline");
        builder.Metadata("", "");

        var rebuilt = builder.Build();
        rebuilt.Graph!.Initializers.Clear();
        rebuilt.Graph.Initializers.AddRange(model.Graph.Initializers);
        rebuilt.Graph.DocString = "graph doc";
        rebuilt.Graph.ValueInfo.Add(new OnnxValueInfoProto { Name = "awkward_info", ElementType = OnnxDataType.Float, Shape = new() });
        rebuilt.Graph.ValueInfo.Add(new OnnxValueInfoProto { Name = "untyped" });
        rebuilt.OpsetImports.Add(new OnnxOperatorSetId { Domain = "com.example", Version = 1 });
        rebuilt.ProducerVersion = "1.0";
        rebuilt.Domain = "org.sparsegen";
        rebuilt.ModelVersion = long.MaxValue;
        rebuilt.DocString = "model doc";
        return rebuilt;
    }
}
