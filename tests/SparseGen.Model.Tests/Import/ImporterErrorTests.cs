using System;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;
using static SparseGen.Model.Onnx.OnnxModelBuilder;

namespace SparseGen.Model.Tests.Import;

/// <summary>Every graph-level problem ends as a model error with a code, the node and what to do.</summary>
public sealed class ImporterErrorTests
{
    [Fact]
    public void Unsupported_op_names_the_op_the_node_and_the_supported_list()
    {
        var error = Fail(b => b.Node("LeakyRelu", new[] { "x" }, new[] { "y" }));

        Assert.Equal(ModelErrorCode.UnsupportedOp, error.Code);
        Assert.Equal("LeakyRelu_0", error.Node);
        Assert.Contains("'LeakyRelu'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Conv", error.Hint, StringComparison.Ordinal);
        Assert.StartsWith("SGM007: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_domain_op_is_unsupported()
    {
        var error = Fail(b => b.Node("Relu", new[] { "x" }, new[] { "y" }).Domain = "com.microsoft");

        Assert.Equal(ModelErrorCode.UnsupportedOp, error.Code);
        Assert.Contains("com.microsoft", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weight_computed_at_run_time_is_a_missing_initializer()
    {
        var error = Fail(
            b =>
            {
                b.Node("Relu", new[] { "x" }, new[] { "r" });
                b.Node("MatMul", new[] { "x", "r" }, new[] { "y" });
            },
            input: new[] { 4L });

        Assert.Equal(ModelErrorCode.MissingInitializer, error.Code);
        Assert.Equal("MatMul_1", error.Node);
    }

    [Fact]
    public void Value_nobody_defines_is_reported_with_the_node()
    {
        var error = Fail(b => b.Node("Add", new[] { "x", "ghost" }, new[] { "y" }));

        Assert.Equal(ModelErrorCode.UndefinedValue, error.Code);
        Assert.Contains("ghost", error.Message, StringComparison.Ordinal);
        Assert.Equal("Add_0", error.Node);
    }

    [Fact]
    public void Conv_weight_with_wrong_channel_count_is_a_shape_mismatch()
    {
        var error = Fail(b =>
        {
            b.Initializer("w", new[] { 2, 3, 3, 3 }, new float[54]);
            b.Node("Conv", new[] { "x", "w" }, new[] { "y" });
        });

        Assert.Equal(ModelErrorCode.ShapeMismatch, error.Code);
        Assert.Contains("channels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Residual_add_of_different_shapes_is_a_shape_mismatch()
    {
        var error = Fail(b =>
        {
            b.Node("MaxPool", new[] { "x" }, new[] { "p" }, Attr("kernel_shape", new long[] { 2, 2 }), Attr("strides", new long[] { 2, 2 }));
            b.Node("Add", new[] { "x", "p" }, new[] { "y" });
        });

        Assert.Equal(ModelErrorCode.ShapeMismatch, error.Code);
    }

    [Fact]
    public void Reshape_that_moves_the_batch_says_how_to_write_it()
    {
        var error = Fail(b =>
        {
            b.Int64Initializer("shape", new long[] { 2, -1 });
            b.Node("Reshape", new[] { "x", "shape" }, new[] { "y" });
        });

        Assert.Equal(ModelErrorCode.UnsupportedAttribute, error.Code);
        Assert.Contains("x.view(x.size(0)", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Flatten_from_axis_2_would_merge_the_batch()
    {
        var error = Fail(b => b.Node("Flatten", new[] { "x" }, new[] { "y" }, Attr("axis", 2L)));

        Assert.Equal(ModelErrorCode.UnsupportedAttribute, error.Code);
        Assert.Contains("batch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_attribute_is_never_ignored()
    {
        var error = Fail(b => b.Node("Flatten", new[] { "x" }, new[] { "y" }, Attr("mystery", 1L)));

        Assert.Equal(ModelErrorCode.UnsupportedAttribute, error.Code);
        Assert.Contains("mystery", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attribute_of_the_wrong_type_is_invalid()
    {
        var error = Fail(b => b.Node("Flatten", new[] { "x" }, new[] { "y" }, Attr("axis", 1.5f)));

        Assert.Equal(ModelErrorCode.InvalidAttribute, error.Code);
    }

    [Fact]
    public void Cycle_is_an_invalid_graph()
    {
        var error = Fail(b =>
        {
            b.Node("Add", new[] { "x", "b" }, new[] { "a" });
            b.Node("Relu", new[] { "a" }, new[] { "b" });
            b.Node("Relu", new[] { "b" }, new[] { "y" });
        });

        Assert.Equal(ModelErrorCode.InvalidGraph, error.Code);
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_written_twice_is_an_invalid_graph()
    {
        var error = Fail(b =>
        {
            b.Node("Relu", new[] { "x" }, new[] { "y" });
            b.Node("Sigmoid", new[] { "x" }, new[] { "y" });
        });

        Assert.Equal(ModelErrorCode.InvalidGraph, error.Code);
    }

    [Fact]
    public void Window_larger_than_the_input_is_a_shape_mismatch()
    {
        var error = Fail(b => b.Node("MaxPool", new[] { "x" }, new[] { "y" }, Attr("kernel_shape", new long[] { 9, 9 })));

        Assert.Equal(ModelErrorCode.ShapeMismatch, error.Code);
    }

    [Fact]
    public void Absurd_stride_is_refused_with_the_limit()
    {
        var error = Fail(b => b.Node("MaxPool", new[] { "x" }, new[] { "y" }, Attr("kernel_shape", new long[] { 2, 2 }), Attr("strides", new long[] { 1L << 40, 1 })));

        Assert.Equal(ModelErrorCode.UnsupportedAttribute, error.Code);
        Assert.Contains("ModelLimits.MaxWindow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Symbolic_spatial_dimension_is_refused()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", OnnxDimension.Symbol("batch"), OnnxDimension.Of(1), OnnxDimension.Symbol("height"), OnnxDimension.Of(4));
        builder.Node("Relu", new[] { "x" }, new[] { "y" });
        builder.Output("y", OnnxDimension.Symbol("batch"), OnnxDimension.Of(1), OnnxDimension.Symbol("height"), OnnxDimension.Of(4));

        var error = ModelLoader.Load(OnnxWriter.Write(builder.Build())).Error!;

        Assert.Equal(ModelErrorCode.ShapeMismatch, error.Code);
        Assert.Contains("height", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float16_weights_are_an_unsupported_data_type()
    {
        var error = Fail(b =>
        {
            var tensor = b.Initializer("w", new[] { 4, 4 }, new float[16]);
            tensor.DataType = OnnxDataType.Float16;
            tensor.RawData = new byte[32];
            b.Node("MatMul", new[] { "x", "w" }, new[] { "y" });
        }, input: new[] { 4L });

        Assert.Equal(ModelErrorCode.UnsupportedDataType, error.Code);
        Assert.Contains("float32", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_outputs_are_refused()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", BuilderModels.Batched(4));
        builder.Node("Relu", new[] { "x" }, new[] { "a" });
        builder.Node("Sigmoid", new[] { "x" }, new[] { "b" });
        builder.Output("a", BuilderModels.Batched(4));
        builder.Output("b", BuilderModels.Batched(4));

        var error = ModelLoader.Load(OnnxWriter.Write(builder.Build())).Error!;

        Assert.Equal(ModelErrorCode.MissingGraph, error.Code);
        Assert.Contains("exactly one", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opset_outside_the_supported_range_is_refused()
    {
        var builder = new OnnxModelBuilder(opset: 99);
        builder.Input("x", BuilderModels.Batched(4));
        builder.Node("Relu", new[] { "x" }, new[] { "y" });
        builder.Output("y", BuilderModels.Batched(4));

        var error = ModelLoader.Load(OnnxWriter.Write(builder.Build())).Error!;

        Assert.Equal(ModelErrorCode.UnsupportedOp, error.Code);
        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }

    private static ModelError Fail(Action<OnnxModelBuilder> body, long[]? input = null)
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", BuilderModels.Batched(input ?? new long[] { 1, 4, 4 }));
        body(builder);
        var model = builder.Build();
        model.Graph!.Outputs.Add(new OnnxValueInfoProto { Name = "y", ElementType = OnnxDataType.Float });

        var result = ModelLoader.Load(OnnxWriter.Write(model));

        Assert.False(result.Succeeded, "the model should have been refused");
        Assert.NotNull(result.Error!.Hint);
        return result.Error;
    }
}
