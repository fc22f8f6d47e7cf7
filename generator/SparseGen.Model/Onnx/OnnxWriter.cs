using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace SparseGen.Model.Onnx;

/// <summary>Writes an ONNX model as protobuf bytes; the exact inverse of <see cref="OnnxReader"/> for the fields it keeps.</summary>
public static partial class OnnxWriter
{
    public static byte[] Write(OnnxModelProto model) => WriteModel(model, externalData: null).ToArray();

    /// <summary>
    /// Writes the model with every initializer's data in one side file, as PyTorch's newer exporter
    /// does. Returns the model bytes and the side file's bytes; the model refers to it as
    /// <paramref name="dataFileName"/>.
    /// </summary>
    public static (byte[] Model, byte[] Data) WriteWithExternalData(OnnxModelProto model, string dataFileName)
    {
        var external = new ExternalDataWriter(dataFileName);
        var bytes = WriteModel(model, external).ToArray();
        return (bytes, external.Data.ToArray());
    }

    private sealed class ExternalDataWriter
    {
        public ExternalDataWriter(string location) => Location = location;

        public string Location { get; }

        public MemoryStream Data { get; } = new();
    }

    private static ProtoWriter WriteModel(OnnxModelProto model, ExternalDataWriter? externalData)
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(1, model.IrVersion);
        if (model.ProducerName.Length > 0) writer.WriteString(2, model.ProducerName);
        if (model.ProducerVersion.Length > 0) writer.WriteString(3, model.ProducerVersion);
        if (model.Domain.Length > 0) writer.WriteString(4, model.Domain);
        if (model.ModelVersion != 0) writer.WriteInt64(5, model.ModelVersion);
        if (model.DocString.Length > 0) writer.WriteString(6, model.DocString);
        if (model.Graph is not null) writer.WriteMessage(7, WriteGraph(model.Graph, externalData));
        foreach (var opset in model.OpsetImports)
        {
            var opsetWriter = new ProtoWriter();
            if (opset.Domain.Length > 0) opsetWriter.WriteString(1, opset.Domain);
            opsetWriter.WriteInt64(2, opset.Version);
            writer.WriteMessage(8, opsetWriter);
        }

        foreach (var entry in model.MetadataProps)
        {
            writer.WriteMessage(14, WriteEntry(entry));
        }

        return writer;
    }

    private static ProtoWriter WriteEntry(OnnxStringEntry entry)
    {
        var writer = new ProtoWriter();
        writer.WriteString(1, entry.Key);
        writer.WriteString(2, entry.Value);
        return writer;
    }

    private static ProtoWriter WriteGraph(OnnxGraphProto graph, ExternalDataWriter? externalData)
    {
        var writer = new ProtoWriter();
        foreach (var node in graph.Nodes) writer.WriteMessage(1, WriteNode(node));
        if (graph.Name.Length > 0) writer.WriteString(2, graph.Name);
        foreach (var tensor in graph.Initializers) writer.WriteMessage(5, WriteTensor(tensor, externalData));
        if (graph.DocString.Length > 0) writer.WriteString(10, graph.DocString);
        foreach (var input in graph.Inputs) writer.WriteMessage(11, WriteValueInfo(input));
        foreach (var output in graph.Outputs) writer.WriteMessage(12, WriteValueInfo(output));
        foreach (var value in graph.ValueInfo) writer.WriteMessage(13, WriteValueInfo(value));
        return writer;
    }

    private static ProtoWriter WriteNode(OnnxNodeProto node)
    {
        var writer = new ProtoWriter();
        foreach (var input in node.Inputs) writer.WriteString(1, input);
        foreach (var output in node.Outputs) writer.WriteString(2, output);
        if (node.Name.Length > 0) writer.WriteString(3, node.Name);
        writer.WriteString(4, node.OpType);
        foreach (var attribute in node.Attributes) writer.WriteMessage(5, WriteAttribute(attribute));
        if (node.DocString.Length > 0) writer.WriteString(6, node.DocString);
        if (node.Domain.Length > 0) writer.WriteString(7, node.Domain);
        return writer;
    }

    private static ProtoWriter WriteAttribute(OnnxAttributeProto attribute)
    {
        var writer = new ProtoWriter();
        writer.WriteString(1, attribute.Name);
        switch (attribute.Type)
        {
            case OnnxAttributeType.Float: writer.WriteFloat(2, attribute.F); break;
            case OnnxAttributeType.Int: writer.WriteInt64(3, attribute.I); break;
            case OnnxAttributeType.String: writer.WriteBytes(4, attribute.S); break;
            case OnnxAttributeType.Tensor when attribute.T is not null: writer.WriteMessage(5, WriteTensor(attribute.T, null)); break;
            case OnnxAttributeType.Floats: foreach (var f in attribute.Floats) writer.WriteFloat(7, f); break;
            case OnnxAttributeType.Ints: foreach (var i in attribute.Ints) writer.WriteInt64(8, i); break;
            case OnnxAttributeType.Strings: foreach (var s in attribute.Strings) writer.WriteBytes(9, s); break;
        }

        if (attribute.DocString.Length > 0) writer.WriteString(13, attribute.DocString);
        writer.WriteInt32(20, (int)attribute.Type);
        if (attribute.RefAttrName.Length > 0) writer.WriteString(21, attribute.RefAttrName);
        return writer;
    }

    private static ProtoWriter WriteTensor(OnnxTensorProto tensor, ExternalDataWriter? externalData)
    {
        var writer = new ProtoWriter();
        foreach (var dim in tensor.Dims) writer.WriteInt64(1, dim);
        writer.WriteInt32(2, (int)tensor.DataType);
        if (tensor.FloatData.Count > 0) writer.WritePackedFloats(4, tensor.FloatData);
        if (tensor.Int32Data.Count > 0) writer.WritePackedInt32s(5, tensor.Int32Data);
        if (tensor.Int64Data.Count > 0) writer.WritePackedInt64s(7, tensor.Int64Data);
        if (tensor.Name.Length > 0) writer.WriteString(8, tensor.Name);
        var external = externalData is not null && tensor.RawData is not null;
        if (tensor.RawData is not null && !external) writer.WriteBytes(9, tensor.RawData);
        if (tensor.DoubleData.Count > 0) writer.WritePackedDoubles(10, tensor.DoubleData);
        if (tensor.DocString.Length > 0) writer.WriteString(12, tensor.DocString);
        if (external)
        {
            var offset = externalData!.Data.Length;
            externalData.Data.Write(tensor.RawData!, 0, tensor.RawData!.Length);
            var entries = new List<OnnxStringEntry>
            {
                new("location", externalData.Location),
                new("offset", offset.ToString(CultureInfo.InvariantCulture)),
                new("length", tensor.RawData.Length.ToString(CultureInfo.InvariantCulture)),
            };
            foreach (var entry in entries) writer.WriteMessage(13, WriteEntry(entry));
            writer.WriteInt32(14, 1);
        }
        else
        {
            foreach (var entry in tensor.ExternalData) writer.WriteMessage(13, WriteEntry(entry));
            if (tensor.IsExternal) writer.WriteInt32(14, 1);
        }

        return writer;
    }

    private static ProtoWriter WriteValueInfo(OnnxValueInfoProto value)
    {
        var writer = new ProtoWriter();
        writer.WriteString(1, value.Name);
        if (value.ElementType != OnnxDataType.Undefined || value.Shape is not null)
        {
            var tensorType = new ProtoWriter();
            tensorType.WriteInt32(1, (int)value.ElementType);
            if (value.Shape is not null)
            {
                var shape = new ProtoWriter();
                foreach (var dim in value.Shape)
                {
                    var dimWriter = new ProtoWriter();
                    if (dim.Value is { } v) dimWriter.WriteInt64(1, v);
                    if (dim.Param is { } p) dimWriter.WriteString(2, p);
                    shape.WriteMessage(1, dimWriter);
                }

                tensorType.WriteMessage(2, shape);
            }

            var type = new ProtoWriter();
            type.WriteMessage(1, tensorType);
            writer.WriteMessage(2, type);
        }

        if (value.DocString.Length > 0) writer.WriteString(3, value.DocString);
        return writer;
    }
}
