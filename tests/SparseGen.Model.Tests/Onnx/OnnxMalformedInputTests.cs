using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Onnx;

public sealed class OnnxMalformedInputTests
{
    [Fact]
    public void Every_prefix_of_a_small_model_is_a_truncation_or_missing_graph_error_or_a_model()
    {
        var bytes = BuilderModels.ConvReluPoolGemm().Bytes();
        var codes = new HashSet<ModelErrorCode>();
        var models = 0;

        for (var length = 0; length < bytes.Length; length++)
        {
            try
            {
                OnnxReader.Read(bytes.AsSpan(0, length).ToArray());
                models++;
            }
            catch (ModelException e)
            {
                codes.Add(e.Error.Code);
                if (e.Error.Code == ModelErrorCode.Truncated)
                {
                    Assert.Matches("empty|declares \\d+ bytes but only \\d+ remain|ends in the middle of", e.Error.Message);
                }
            }
        }

        Assert.Subset(new HashSet<ModelErrorCode> { ModelErrorCode.Truncated, ModelErrorCode.MissingGraph }, codes);
        Assert.Contains(ModelErrorCode.Truncated, codes);
        Assert.True(models <= 2, $"{models} prefixes read as models; only cuts after the graph, between opset and metadata fields, can");
    }

    [Fact]
    public void Empty_file_is_a_truncation_error()
    {
        var error = ReadError(Array.Empty<byte>());

        Assert.Equal(ModelErrorCode.Truncated, error.Code);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x0D, 0, 0, 0, 0 }, "ir_version has wire type Fixed32, expected Varint")]
    [InlineData(new byte[] { 0x38, 0x01 }, "graph has wire type Varint, expected LengthDelimited")]
    [InlineData(new byte[] { 0x10, 0x01 }, "producer_name has wire type Varint, expected LengthDelimited")]
    public void Known_field_with_the_wrong_wire_type_is_an_invalid_wire_format_error(byte[] bytes, string expected)
    {
        var error = ReadError(bytes);

        Assert.Equal(ModelErrorCode.InvalidWireFormat, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_wire_type_deep_inside_a_node_attribute_is_an_invalid_wire_format_error()
    {
        var model = BuilderModels.MlpSoftmax().Model;
        var bytes = OnnxWriter.Write(model);
        // The Softmax axis attribute: replace "i" (field 3, varint: 0x18 0x01) with field 3 as fixed32 (0x1D).
        var attribute = FindSequence(bytes, new byte[] { 0x0A, 0x04, (byte)'a', (byte)'x', (byte)'i', (byte)'s', 0x18, 0x01 });
        bytes[attribute + 6] = 0x1D;

        var error = ReadError(bytes);

        Assert.Equal(ModelErrorCode.InvalidWireFormat, error.Code);
        Assert.Contains("AttributeProto", error.Message, StringComparison.Ordinal);
        Assert.Contains("i has wire type Fixed32, expected Varint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Varint_longer_than_ten_bytes_is_an_invalid_wire_format_error()
    {
        var bytes = new byte[] { 0x08 }.Concat(Enumerable.Repeat((byte)0xFF, 10)).Append((byte)0x01).ToArray();

        var error = ReadError(bytes);

        Assert.Equal(ModelErrorCode.InvalidWireFormat, error.Code);
        Assert.Contains("varint is longer than 10 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Varint_cut_off_at_the_end_is_a_truncation_error()
    {
        var error = ReadError(new byte[] { 0x08, 0xFF, 0xFF });

        Assert.Equal(ModelErrorCode.Truncated, error.Code);
        Assert.Contains("ends in the middle of a varint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x3A, 0x64, 0x00 }, "declares 100 bytes but only 1 remain")]
    [InlineData(new byte[] { 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "declares 18446744073709551615 bytes but only 0 remain")]
    [InlineData(new byte[] { 0x12, 0x05, (byte)'a' }, "declares 5 bytes but only 1 remain")]
    public void Length_larger_than_the_remaining_bytes_is_a_truncation_error(byte[] bytes, string expected)
    {
        var error = ReadError(bytes);

        Assert.Equal(ModelErrorCode.Truncated, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x0B }, "wire type 3")]
    [InlineData(new byte[] { 0x0C }, "wire type 4")]
    [InlineData(new byte[] { 0x0E }, "wire type 6")]
    [InlineData(new byte[] { 0x00 }, "field number 0 is not valid")]
    [InlineData(new byte[] { 0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "field number 8589934591 is not valid")]
    [InlineData(new byte[] { 0x12, 0x02, 0xC3, 0x28 }, "not valid UTF-8")]
    public void Bytes_that_are_not_protobuf_are_an_invalid_wire_format_error(byte[] bytes, string expected)
    {
        var error = ReadError(bytes);

        Assert.Equal(ModelErrorCode.InvalidWireFormat, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Packed_floats_that_do_not_fill_whole_floats_are_an_invalid_wire_format_error()
    {
        var tensor = new ProtoWriter();
        tensor.WriteBytes(4, new byte[] { 1, 2, 3 });

        var error = ReadError(ModelWithInitializer(tensor));

        Assert.Equal(ModelErrorCode.InvalidWireFormat, error.Code);
        Assert.Contains("packed floats take 3 bytes, not a multiple of 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Initializer_with_more_than_eight_dims_is_a_limit_error()
    {
        var tensor = new ProtoWriter();
        tensor.WriteString(8, "deep");
        for (var i = 0; i < 9; i++)
        {
            tensor.WriteInt64(1, 1);
        }

        var error = ReadError(ModelWithInitializer(tensor));

        Assert.Equal(ModelErrorCode.LimitExceeded, error.Code);
        Assert.Contains("ModelLimits.MaxRank", error.Message, StringComparison.Ordinal);
        Assert.Equal("deep", error.Node);
    }

    [Fact]
    public void Graph_with_more_nodes_than_the_limit_is_a_limit_error_worded_the_same_in_every_culture()
    {
        var graph = new ProtoWriter();
        for (var i = 0; i <= ModelLimits.MaxNodes; i++)
        {
            graph.WriteBytes(1, Array.Empty<byte>());
        }

        var model = new ProtoWriter();
        model.WriteMessage(7, graph);
        var bytes = model.ToArray();
        var culture = CultureInfo.CurrentCulture;
        ModelError error;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            error = ReadError(bytes);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        Assert.Equal(ModelErrorCode.LimitExceeded, error.Code);
        Assert.Contains("more than 100,000 nodes (ModelLimits.MaxNodes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_without_a_graph_is_a_missing_graph_error()
    {
        var model = new ProtoWriter();
        model.WriteInt64(1, 8);
        model.WriteString(2, "pytorch");

        var error = ReadError(model.ToArray());

        Assert.Equal(ModelErrorCode.MissingGraph, error.Code);
        Assert.Contains("no graph", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_fields_of_every_wire_type_are_skipped()
    {
        var bytes = BuilderModels.MlpSoftmax().Bytes();
        var unknown = new ProtoWriter();
        unknown.WriteInt64(99, -1);
        unknown.WriteFloat(100, 1f);
        unknown.WriteBytes(101, new byte[] { 1, 2, 3 });
        unknown.WriteTag(102, WireType.Fixed64);
        for (var i = 0; i < 8; i++)
        {
            unknown.WriteVarint(0x2B);
        }

        var padded = bytes.Concat(unknown.ToArray()).ToArray();

        OnnxStructure.AssertEqual(OnnxReader.Read(bytes), OnnxReader.Read(padded));
    }

    [Fact]
    public void Unknown_length_delimited_fields_inside_nested_messages_are_skipped_exactly()
    {
        // An If node's then_branch (AttributeProto.g, field 6) is a field the reader skips; the fields
        // after it must still be read from the right place.
        var attribute = new ProtoWriter();
        attribute.WriteString(1, "then_branch");
        attribute.WriteBytes(6, new byte[] { 0x12, 0x01, (byte)'g' });
        attribute.WriteInt32(20, (int)OnnxAttributeType.Graph);
        var node = new ProtoWriter();
        node.WriteString(1, "condition");
        node.WriteMessage(5, attribute);
        node.WriteBytes(50, new byte[200]);
        node.WriteString(4, "If");
        var graph = new ProtoWriter();
        graph.WriteMessage(1, node);
        graph.WriteBytes(14, new byte[] { 1, 2, 3 });
        graph.WriteString(2, "g");
        var model = new ProtoWriter();
        model.WriteBytes(20, new byte[] { 0x0A, 0x00 });
        model.WriteMessage(7, graph);
        model.WriteInt64(1, 8);

        var read = OnnxReader.Read(model.ToArray());

        Assert.Equal(8, read.IrVersion);
        Assert.Equal("g", read.Graph!.Name);
        var readNode = Assert.Single(read.Graph.Nodes);
        Assert.Equal(("If", "condition"), (readNode.OpType, Assert.Single(readNode.Inputs)));
        var readAttribute = Assert.Single(readNode.Attributes);
        Assert.True(readAttribute.HasGraph);
        Assert.Equal(OnnxAttributeType.Graph, readAttribute.Type);
    }

    [Fact]
    public void Random_garbage_is_a_model_error()
    {
        var random = new Random(20240611);
        var codes = new HashSet<ModelErrorCode>();
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[1 + random.Next(512)];
            random.NextBytes(bytes);

            codes.Add(ReadError(bytes).Code);
        }

        Assert.Contains(ModelErrorCode.InvalidWireFormat, codes);
        Assert.Contains(ModelErrorCode.Truncated, codes);
    }

    private static ModelError ReadError(byte[] bytes) => Assert.Throws<ModelException>(() => OnnxReader.Read(bytes)).Error;

    /// <summary>A model whose graph holds one initializer, written field by field.</summary>
    private static byte[] ModelWithInitializer(ProtoWriter tensor)
    {
        var graph = new ProtoWriter();
        graph.WriteMessage(5, tensor);
        var model = new ProtoWriter();
        model.WriteInt64(1, 8);
        model.WriteMessage(7, graph);
        return model.ToArray();
    }

    private static int FindSequence(byte[] bytes, byte[] sequence)
    {
        for (var i = 0; i + sequence.Length <= bytes.Length; i++)
        {
            if (bytes.AsSpan(i, sequence.Length).SequenceEqual(sequence))
            {
                return i;
            }
        }

        throw new InvalidOperationException("sequence not found");
    }
}
