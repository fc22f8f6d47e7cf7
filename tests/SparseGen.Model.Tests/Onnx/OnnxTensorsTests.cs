using System;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Onnx;

public sealed class OnnxTensorsTests
{
    [Fact]
    public void Floats_written_as_raw_data_read_back_bit_exactly_after_a_file_round_trip()
    {
        var data = RandomData.SparseWeights(3, 24, 0.5);
        data[1] = -0f;
        data[2] = BitConverter.Int32BitsToSingle(0x7FC0_0042);

        var tensor = InitializerAfterRoundTrip(OnnxTensors.FromFloats("w", new[] { 2, 3, 4 }, data));

        Assert.Equal(new long[] { 2, 3, 4 }, tensor.Dims);
        Assert.Equal(96, tensor.RawData!.Length);
        Assert.Equal(Array.ConvertAll(data, BitConverter.SingleToInt32Bits), Array.ConvertAll(OnnxTensors.ToFloats(tensor), BitConverter.SingleToInt32Bits));
        Assert.Equal(new[] { 2, 3, 4 }, OnnxTensors.Shape(tensor));
    }

    [Fact]
    public void Raw_data_is_little_endian()
    {
        var tensor = OnnxTensors.FromFloats("one", new[] { 1 }, new[] { 1f });

        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F }, tensor.RawData);
    }

    [Fact]
    public void Floats_in_float_data_are_read()
    {
        var tensor = new OnnxTensorProto { Name = "typed", DataType = OnnxDataType.Float, Dims = { 2 }, FloatData = { 1.5f, -2f } };

        Assert.Equal(new[] { 1.5f, -2f }, OnnxTensors.ToFloats(InitializerAfterRoundTrip(tensor)));
    }

    [Fact]
    public void Scalar_has_one_element()
    {
        var tensor = OnnxTensors.FromFloats("s", Array.Empty<int>(), new[] { 4f });

        Assert.Equal(new[] { 4f }, OnnxTensors.ToFloats(InitializerAfterRoundTrip(tensor)));
        Assert.Equal(1, OnnxTensors.ElementCount(tensor));
    }

    [Fact]
    public void Int64s_read_from_raw_data_and_int64_data()
    {
        var values = new[] { long.MinValue, -1, 0, 3, long.MaxValue };
        var raw = OnnxTensors.FromInt64s("shape", values);
        var typed = new OnnxTensorProto { Name = "typed", DataType = OnnxDataType.Int64, Dims = { 5 }, Int64Data = { long.MinValue, -1, 0, 3, long.MaxValue } };

        Assert.Equal(values, OnnxTensors.ToInt64s(InitializerAfterRoundTrip(raw)));
        Assert.Equal(values, OnnxTensors.ToInt64s(InitializerAfterRoundTrip(typed)));
    }

    [Fact]
    public void Int32_tensors_read_as_int64s_with_their_sign_from_raw_data_and_int32_data()
    {
        var raw = new OnnxTensorProto { Name = "axes", DataType = OnnxDataType.Int32, Dims = { 2 }, RawData = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x00, 0x00, 0x00 } };
        var typed = new OnnxTensorProto { Name = "axes", DataType = OnnxDataType.Int32, Dims = { 2 }, Int32Data = { -1, int.MinValue } };

        Assert.Equal(new long[] { -1, 2 }, OnnxTensors.ToInt64s(InitializerAfterRoundTrip(raw)));
        Assert.Equal(new long[] { -1, int.MinValue }, OnnxTensors.ToInt64s(InitializerAfterRoundTrip(typed)));
    }

    [Theory]
    [InlineData(new long[] { -1, 4 }, "dimension 0 is negative")]
    [InlineData(new long[] { 4, long.MinValue }, "dimension 1 is negative")]
    public void Negative_dims_in_an_initializer_are_an_invalid_tensor_error(long[] dims, string expected)
    {
        var tensor = InitializerAfterRoundTrip(WithDims(OnnxTensors.FromFloats("conv.weight", new[] { 4 }, new float[4]), dims));

        var error = Assert.Throws<ModelException>(() => OnnxTensors.ToFloats(tensor)).Error;

        Assert.Equal(ModelErrorCode.InvalidTensor, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("'conv.weight'", error.Message, StringComparison.Ordinal);
        Assert.Equal("conv.weight", error.Node);
        Assert.NotNull(error.Hint);
    }

    [Theory]
    [InlineData(new long[] { 1_000_000_000_000 })]
    [InlineData(new long[] { 1 << 20, 1 << 20 })]
    [InlineData(new long[] { 0, 1_000_000_000_000 })]
    [InlineData(new long[] { long.MaxValue, long.MaxValue })]
    [InlineData(new long[] { 65536, 65536, 65536, 65536, 65536 })]
    public void Absurd_dims_in_an_initializer_are_a_limit_error_before_anything_is_allocated(long[] dims)
    {
        var tensor = InitializerAfterRoundTrip(WithDims(OnnxTensors.FromFloats("fc.weight", new[] { 4 }, new float[4]), dims));

        var floatsError = Assert.Throws<ModelException>(() => OnnxTensors.ToFloats(tensor)).Error;
        tensor.DataType = OnnxDataType.Int64;
        var int64sError = Assert.Throws<ModelException>(() => OnnxTensors.ToInt64s(tensor)).Error;

        foreach (var error in new[] { floatsError, int64sError })
        {
            Assert.Equal(ModelErrorCode.LimitExceeded, error.Code);
            Assert.Contains("ModelLimits.MaxTensorElements", error.Message, StringComparison.Ordinal);
            Assert.Contains("'fc.weight'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Declared_size_larger_than_the_raw_data_is_an_invalid_tensor_error()
    {
        var tensor = InitializerAfterRoundTrip(WithDims(OnnxTensors.FromFloats("bias", new[] { 8 }, new float[8]), new long[] { 10 }));

        var error = Assert.Throws<ModelException>(() => OnnxTensors.ToFloats(tensor)).Error;

        Assert.Equal(ModelErrorCode.InvalidTensor, error.Code);
        Assert.Equal("tensor 'bias' declares dims [10] (10 elements, 40 bytes) but its raw_data holds 32 bytes", error.Message);
    }

    [Fact]
    public void Declared_size_smaller_than_the_raw_data_is_an_invalid_tensor_error()
    {
        var tensor = WithDims(OnnxTensors.FromInt64s("shape", new long[] { 1, 2, 3 }), new long[] { 2 });

        var error = Assert.Throws<ModelException>(() => OnnxTensors.ToInt64s(tensor)).Error;

        Assert.Equal(ModelErrorCode.InvalidTensor, error.Code);
        Assert.Contains("(2 elements, 16 bytes) but its raw_data holds 24 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_data_count_that_disagrees_with_the_dims_is_an_invalid_tensor_error()
    {
        var tensor = new OnnxTensorProto { DataType = OnnxDataType.Float, Dims = { 3 }, FloatData = { 1f, 2f } };

        var error = Assert.Throws<ModelException>(() => OnnxTensors.ToFloats(tensor, node: "Constant_3")).Error;

        Assert.Equal(ModelErrorCode.InvalidTensor, error.Code);
        Assert.Equal("the tensor of node 'Constant_3' declares dims [3] (3 elements) but its float_data holds 2", error.Message);
        Assert.Equal("Constant_3", error.Node);
    }

    [Fact]
    public void Data_in_both_raw_data_and_float_data_is_an_invalid_tensor_error()
    {
        var tensor = OnnxTensors.FromFloats("w", new[] { 1 }, new[] { 1f });
        tensor.FloatData.Add(1f);

        var error = Assert.Throws<ModelException>(() => OnnxTensors.ToFloats(tensor)).Error;

        Assert.Equal(ModelErrorCode.InvalidTensor, error.Code);
        Assert.Contains("both raw_data (4 bytes) and float_data (1 elements)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OnnxDataType.Double)]
    [InlineData(OnnxDataType.Float16)]
    [InlineData(OnnxDataType.Int64)]
    public void Non_float_tensor_read_as_floats_is_an_unsupported_data_type_error(OnnxDataType type)
    {
        var tensor = new OnnxTensorProto { Name = "w", DataType = type, Dims = { 1 }, RawData = new byte[8] };

        var error = Assert.Throws<ModelException>(() => OnnxTensors.ToFloats(tensor)).Error;

        Assert.Equal(ModelErrorCode.UnsupportedDataType, error.Code);
        Assert.Contains($"element type {type}, expected Float", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_whose_side_file_was_not_read_is_an_external_data_error()
    {
        var tensor = new OnnxTensorProto { Name = "w", DataType = OnnxDataType.Float, Dims = { 1 }, IsExternal = true };

        var error = Assert.Throws<ModelException>(() => OnnxTensors.ToFloats(tensor)).Error;

        Assert.Equal(ModelErrorCode.ExternalData, error.Code);
    }

    [Fact]
    public void Creating_a_tensor_whose_data_does_not_fill_its_shape_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => OnnxTensors.FromFloats("w", new[] { 2, 2 }, new float[3]));
        Assert.Throws<ArgumentException>(() => OnnxTensors.FromInt64s("s", new long[3], new[] { -1, -3 }));
    }

    private static OnnxTensorProto WithDims(OnnxTensorProto tensor, long[] dims)
    {
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>The tensor as an initializer of a model written to bytes and read back, as the importer sees it.</summary>
    private static OnnxTensorProto InitializerAfterRoundTrip(OnnxTensorProto tensor)
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", OnnxDimension.Symbol("batch"));
        builder.Output("x", OnnxDimension.Symbol("batch"));
        var model = builder.Build();
        model.Graph!.Initializers.Add(tensor);
        return Assert.Single(OnnxReader.Read(OnnxWriter.Write(model)).Graph!.Initializers);
    }
}
