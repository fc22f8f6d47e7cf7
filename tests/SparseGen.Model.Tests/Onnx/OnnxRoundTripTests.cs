using System;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Onnx;

public sealed class OnnxRoundTripTests
{
    [Theory]
    [MemberData(nameof(Fixtures.OnnxFileData), MemberType = typeof(Fixtures))]
    public void Fixture_read_written_and_read_again_is_structurally_equal_and_rewrites_byte_identically(string fixture)
    {
        var read = OnnxReader.Read(Fixtures.Bytes(fixture));

        var written = OnnxWriter.Write(read);
        var reread = OnnxReader.Read(written);

        OnnxStructure.AssertEqual(read, reread);
        Assert.Equal(written, OnnxWriter.Write(reread));
    }

    [Theory]
    [MemberData(nameof(BuilderModels.RunnableNames), MemberType = typeof(BuilderModels))]
    public void Builder_model_survives_write_and_read_unchanged(string name)
    {
        var model = BuilderModels.Get(name).Model;

        var written = OnnxWriter.Write(model);
        var reread = OnnxReader.Read(written);

        OnnxStructure.AssertEqual(model, reread);
        Assert.Equal(written, OnnxWriter.Write(reread));
    }

    [Fact]
    public void Every_field_kind_survives_write_and_read_bit_exactly()
    {
        var model = BuilderModels.EveryFieldKind();

        var written = OnnxWriter.Write(model);
        var reread = OnnxReader.Read(written);

        OnnxStructure.AssertEqual(model, reread);
        Assert.Equal(written, OnnxWriter.Write(reread));
    }

    [Fact]
    public void Nan_payloads_and_negative_zero_come_back_with_the_same_bits()
    {
        var bits = new[] { 0x7FC0_1234, 0x7F80_0001, unchecked((int)0xFFC0_0000), unchecked((int)0x8000_0000), 0x0000_0001 };
        var values = Array.ConvertAll(bits, BitConverter.Int32BitsToSingle);
        var builder = new OnnxModelBuilder();
        builder.Input("x", OnnxDimension.Symbol("batch"), OnnxDimension.Of(5));
        builder.Initializer("raw", new[] { 5 }, values);
        builder.Node("Add", new[] { "x", "raw" }, new[] { "y" }, OnnxModelBuilder.Attr("floats", values), OnnxModelBuilder.Attr("f", values[0]));
        builder.Output("y", OnnxDimension.Symbol("batch"), OnnxDimension.Of(5));

        var reread = OnnxReader.Read(OnnxWriter.Write(builder.Build()));

        Assert.Equal(bits, Array.ConvertAll(OnnxTensors.ToFloats(reread.Graph!.Initializers[0]), BitConverter.SingleToInt32Bits));
        Assert.Equal(bits, reread.Graph.Nodes[0].Attributes[0].Floats.ConvertAll(BitConverter.SingleToInt32Bits));
        Assert.Equal(bits[0], BitConverter.SingleToInt32Bits(reread.Graph.Nodes[0].Attributes[1].F));
    }

    [Fact]
    public void Builder_names_nodes_after_op_type_and_position_and_pairs_opset_with_ir_version()
    {
        var model = BuilderModels.ConvReluPoolGemm().Model;

        Assert.Equal(new[] { "Conv_0", "Relu_1", "MaxPool_2", "Flatten_3", "Gemm_4" }, model.Graph!.Nodes.ConvertAll(n => n.Name));
        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImports);
        Assert.Equal(("", 17L), (opset.Domain, opset.Version));
        Assert.Equal("batch", model.Graph.Inputs[0].Shape![0].Param);
        Assert.Equal(OnnxDataType.Float, model.Graph.Inputs[0].ElementType);
    }
}
