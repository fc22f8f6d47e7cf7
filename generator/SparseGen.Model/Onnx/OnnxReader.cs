using System;
using System.Globalization;

namespace SparseGen.Model.Onnx;

/// <summary>
/// Reads an ONNX model from its protobuf bytes. Unknown fields are skipped; every malformed input ends
/// in a <see cref="ModelException"/>. Tensors whose data is external are filled from an
/// <see cref="IExternalDataSource"/>, so the returned model holds all its data.
/// </summary>
public static partial class OnnxReader
{
    /// <summary>Reads a model; <paramref name="externalData"/> is required only when the model stores tensors externally.</summary>
    public static OnnxModelProto Read(byte[] bytes, IExternalDataSource? externalData = null)
    {
        if (bytes.LongLength > ModelLimits.MaxModelBytes)
        {
            throw TooLarge(bytes.LongLength);
        }

        if (bytes.Length == 0)
        {
            throw new ModelException(ModelErrorCode.Truncated, "the model file is empty", hint: "Export the model again.");
        }

        var reader = new ProtoReader(bytes, 0, bytes.Length, "ModelProto");
        var model = ReadModel(ref reader);
        if (model.Graph is null)
        {
            throw new ModelException(
                ModelErrorCode.MissingGraph,
                "the file holds no graph (ModelProto.graph is missing)",
                hint: "This is not an ONNX model, or it is empty; check that the file is the .onnx the exporter wrote.");
        }

        ResolveExternalData(model.Graph, externalData);
        return model;
    }

    internal static ModelException TooLarge(long length) => new(
        ModelErrorCode.LimitExceeded,
        FormattableString.Invariant($"the model file is {length:N0} bytes, above the limit of {ModelLimits.MaxModelBytes:N0} (ModelLimits.MaxModelBytes)"),
        hint: "Models compiled into code must be far smaller; prune or split the model.");

    private static OnnxModelProto ReadModel(ref ProtoReader reader)
    {
        var model = new OnnxModelProto();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1: reader.Expect(wire, WireType.Varint, "ir_version"); model.IrVersion = reader.ReadInt64(); break;
                case 2: reader.Expect(wire, WireType.LengthDelimited, "producer_name"); model.ProducerName = reader.ReadString(); break;
                case 3: reader.Expect(wire, WireType.LengthDelimited, "producer_version"); model.ProducerVersion = reader.ReadString(); break;
                case 4: reader.Expect(wire, WireType.LengthDelimited, "domain"); model.Domain = reader.ReadString(); break;
                case 5: reader.Expect(wire, WireType.Varint, "model_version"); model.ModelVersion = reader.ReadInt64(); break;
                case 6: reader.Expect(wire, WireType.LengthDelimited, "doc_string"); model.DocString = reader.ReadString(); break;
                case 7:
                    reader.Expect(wire, WireType.LengthDelimited, "graph");
                    var graphReader = reader.ReadMessage("GraphProto");
                    model.Graph = ReadGraph(ref graphReader);
                    break;
                case 8:
                    reader.Expect(wire, WireType.LengthDelimited, "opset_import");
                    var opsetReader = reader.ReadMessage("OperatorSetIdProto");
                    model.OpsetImports.Add(ReadOpset(ref opsetReader));
                    break;
                case 14:
                    reader.Expect(wire, WireType.LengthDelimited, "metadata_props");
                    var entryReader = reader.ReadMessage("StringStringEntryProto");
                    model.MetadataProps.Add(ReadEntry(ref entryReader));
                    break;
                default: reader.Skip(wire); break;
            }
        }

        return model;
    }

    private static OnnxOperatorSetId ReadOpset(ref ProtoReader reader)
    {
        var opset = new OnnxOperatorSetId();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1: reader.Expect(wire, WireType.LengthDelimited, "domain"); opset.Domain = reader.ReadString(); break;
                case 2: reader.Expect(wire, WireType.Varint, "version"); opset.Version = reader.ReadInt64(); break;
                default: reader.Skip(wire); break;
            }
        }

        return opset;
    }

    private static OnnxStringEntry ReadEntry(ref ProtoReader reader)
    {
        var entry = new OnnxStringEntry();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1: reader.Expect(wire, WireType.LengthDelimited, "key"); entry.Key = reader.ReadString(); break;
                case 2: reader.Expect(wire, WireType.LengthDelimited, "value"); entry.Value = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }

        return entry;
    }

    private static OnnxGraphProto ReadGraph(ref ProtoReader reader)
    {
        var graph = new OnnxGraphProto();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(wire, WireType.LengthDelimited, "node");
                    if (graph.Nodes.Count >= ModelLimits.MaxNodes)
                    {
                        throw new ModelException(
                            ModelErrorCode.LimitExceeded,
                            FormattableString.Invariant($"the graph has more than {ModelLimits.MaxNodes:N0} nodes (ModelLimits.MaxNodes)"),
                            hint: "Models compiled into code must be far smaller.");
                    }

                    var nodeReader = reader.ReadMessage("NodeProto");
                    graph.Nodes.Add(ReadNode(ref nodeReader));
                    break;
                case 2: reader.Expect(wire, WireType.LengthDelimited, "name"); graph.Name = reader.ReadString(); break;
                case 5:
                    reader.Expect(wire, WireType.LengthDelimited, "initializer");
                    var tensorReader = reader.ReadMessage("TensorProto");
                    graph.Initializers.Add(ReadTensor(ref tensorReader));
                    break;
                case 10: reader.Expect(wire, WireType.LengthDelimited, "doc_string"); graph.DocString = reader.ReadString(); break;
                case 11: graph.Inputs.Add(ReadValueInfoField(ref reader, wire, "input")); break;
                case 12: graph.Outputs.Add(ReadValueInfoField(ref reader, wire, "output")); break;
                case 13: graph.ValueInfo.Add(ReadValueInfoField(ref reader, wire, "value_info")); break;
                case 15: graph.HasSparseInitializers = true; reader.Skip(wire); break;
                default: reader.Skip(wire); break;
            }
        }

        return graph;
    }

    private static OnnxValueInfoProto ReadValueInfoField(ref ProtoReader reader, WireType wire, string name)
    {
        reader.Expect(wire, WireType.LengthDelimited, name);
        var valueReader = reader.ReadMessage("ValueInfoProto");
        return ReadValueInfo(ref valueReader);
    }

    private static OnnxNodeProto ReadNode(ref ProtoReader reader)
    {
        var node = new OnnxNodeProto();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1: reader.Expect(wire, WireType.LengthDelimited, "input"); node.Inputs.Add(reader.ReadString()); break;
                case 2: reader.Expect(wire, WireType.LengthDelimited, "output"); node.Outputs.Add(reader.ReadString()); break;
                case 3: reader.Expect(wire, WireType.LengthDelimited, "name"); node.Name = reader.ReadString(); break;
                case 4: reader.Expect(wire, WireType.LengthDelimited, "op_type"); node.OpType = reader.ReadString(); break;
                case 5:
                    reader.Expect(wire, WireType.LengthDelimited, "attribute");
                    var attributeReader = reader.ReadMessage("AttributeProto");
                    node.Attributes.Add(ReadAttribute(ref attributeReader));
                    break;
                case 6: reader.Expect(wire, WireType.LengthDelimited, "doc_string"); node.DocString = reader.ReadString(); break;
                case 7: reader.Expect(wire, WireType.LengthDelimited, "domain"); node.Domain = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }

        return node;
    }

    private static OnnxAttributeProto ReadAttribute(ref ProtoReader reader)
    {
        var attribute = new OnnxAttributeProto();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1: reader.Expect(wire, WireType.LengthDelimited, "name"); attribute.Name = reader.ReadString(); break;
                case 2: reader.Expect(wire, WireType.Fixed32, "f"); attribute.F = reader.ReadFloat(); break;
                case 3: reader.Expect(wire, WireType.Varint, "i"); attribute.I = reader.ReadInt64(); break;
                case 4: reader.Expect(wire, WireType.LengthDelimited, "s"); attribute.S = reader.ReadBytes(); break;
                case 5:
                    reader.Expect(wire, WireType.LengthDelimited, "t");
                    var tensorReader = reader.ReadMessage("TensorProto");
                    attribute.T = ReadTensor(ref tensorReader);
                    break;
                case 6: case 11: attribute.HasGraph = true; reader.Skip(wire); break;
                case 7: reader.ReadFloats(wire, attribute.Floats); break;
                case 8: reader.ReadInt64s(wire, attribute.Ints); break;
                case 9: reader.Expect(wire, WireType.LengthDelimited, "strings"); attribute.Strings.Add(reader.ReadBytes()); break;
                case 13: reader.Expect(wire, WireType.LengthDelimited, "doc_string"); attribute.DocString = reader.ReadString(); break;
                case 20: reader.Expect(wire, WireType.Varint, "type"); attribute.Type = (OnnxAttributeType)reader.ReadInt32(); break;
                case 21: reader.Expect(wire, WireType.LengthDelimited, "ref_attr_name"); attribute.RefAttrName = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }

        return attribute;
    }

    private static OnnxTensorProto ReadTensor(ref ProtoReader reader)
    {
        var tensor = new OnnxTensorProto();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    reader.ReadInt64s(wire, tensor.Dims);
                    if (tensor.Dims.Count > ModelLimits.MaxRank)
                    {
                        throw new ModelException(
                            ModelErrorCode.LimitExceeded,
                            $"a tensor has more than {ModelLimits.MaxRank} dimensions (ModelLimits.MaxRank)",
                            tensor.Name.Length > 0 ? tensor.Name : null,
                            "SparseGen supports tensors of rank 8 or less.");
                    }

                    break;
                case 2: reader.Expect(wire, WireType.Varint, "data_type"); tensor.DataType = (OnnxDataType)reader.ReadInt32(); break;
                case 4: reader.ReadFloats(wire, tensor.FloatData); break;
                case 5: reader.ReadInt32s(wire, tensor.Int32Data); break;
                case 7: reader.ReadInt64s(wire, tensor.Int64Data); break;
                case 8: reader.Expect(wire, WireType.LengthDelimited, "name"); tensor.Name = reader.ReadString(); break;
                case 9: reader.Expect(wire, WireType.LengthDelimited, "raw_data"); tensor.RawData = reader.ReadBytes(); break;
                case 10: reader.ReadDoubles(wire, tensor.DoubleData); break;
                case 12: reader.Expect(wire, WireType.LengthDelimited, "doc_string"); tensor.DocString = reader.ReadString(); break;
                case 13:
                    reader.Expect(wire, WireType.LengthDelimited, "external_data");
                    var entryReader = reader.ReadMessage("StringStringEntryProto");
                    tensor.ExternalData.Add(ReadEntry(ref entryReader));
                    break;
                case 14: reader.Expect(wire, WireType.Varint, "data_location"); tensor.IsExternal = reader.ReadInt32() == 1; break;
                default: reader.Skip(wire); break;
            }
        }

        return tensor;
    }

    private static OnnxValueInfoProto ReadValueInfo(ref ProtoReader reader)
    {
        var value = new OnnxValueInfoProto();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1: reader.Expect(wire, WireType.LengthDelimited, "name"); value.Name = reader.ReadString(); break;
                case 2:
                    reader.Expect(wire, WireType.LengthDelimited, "type");
                    var typeReader = reader.ReadMessage("TypeProto");
                    ReadType(ref typeReader, value);
                    break;
                case 3: reader.Expect(wire, WireType.LengthDelimited, "doc_string"); value.DocString = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }

        return value;
    }

    private static void ReadType(ref ProtoReader reader, OnnxValueInfoProto value)
    {
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field != 1)
            {
                reader.Skip(wire);
                continue;
            }

            reader.Expect(wire, WireType.LengthDelimited, "tensor_type");
            var tensorType = reader.ReadMessage("TypeProto.Tensor");
            while (tensorType.TryReadTag(out var tensorField, out var tensorWire))
            {
                switch (tensorField)
                {
                    case 1: tensorType.Expect(tensorWire, WireType.Varint, "elem_type"); value.ElementType = (OnnxDataType)tensorType.ReadInt32(); break;
                    case 2:
                        tensorType.Expect(tensorWire, WireType.LengthDelimited, "shape");
                        var shapeReader = tensorType.ReadMessage("TensorShapeProto");
                        value.Shape = new();
                        while (shapeReader.TryReadTag(out var dimField, out var dimWire))
                        {
                            if (dimField != 1)
                            {
                                shapeReader.Skip(dimWire);
                                continue;
                            }

                            shapeReader.Expect(dimWire, WireType.LengthDelimited, "dim");
                            var dimReader = shapeReader.ReadMessage("TensorShapeProto.Dimension");
                            value.Shape.Add(ReadDimension(ref dimReader));
                            if (value.Shape.Count > ModelLimits.MaxRank)
                            {
                                throw new ModelException(
                                    ModelErrorCode.LimitExceeded,
                                    $"value '{value.Name}' has more than {ModelLimits.MaxRank} dimensions (ModelLimits.MaxRank)",
                                    value.Name,
                                    "SparseGen supports tensors of rank 8 or less.");
                            }
                        }

                        break;
                    default: tensorType.Skip(tensorWire); break;
                }
            }
        }
    }

    private static OnnxDimension ReadDimension(ref ProtoReader reader)
    {
        var dimension = new OnnxDimension();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1: reader.Expect(wire, WireType.Varint, "dim_value"); dimension.Value = reader.ReadInt64(); break;
                case 2: reader.Expect(wire, WireType.LengthDelimited, "dim_param"); dimension.Param = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }

        return dimension;
    }

    private static void ResolveExternalData(OnnxGraphProto graph, IExternalDataSource? source)
    {
        foreach (var tensor in graph.Initializers)
        {
            if (!tensor.IsExternal)
            {
                continue;
            }

            string? location = null;
            long offset = 0;
            long length = -1;
            foreach (var entry in tensor.ExternalData)
            {
                switch (entry.Key)
                {
                    case "location": location = entry.Value; break;
                    case "offset": offset = ParseExternalNumber(tensor, entry); break;
                    case "length": length = ParseExternalNumber(tensor, entry); break;
                }
            }

            if (location is null)
            {
                throw new ModelException(
                    ModelErrorCode.ExternalData,
                    $"initializer '{tensor.Name}' is stored externally but names no location",
                    tensor.Name,
                    "Export the model again, or save it with all tensors inline.");
            }

            if (source is null)
            {
                throw new ModelException(
                    ModelErrorCode.ExternalData,
                    $"initializer '{tensor.Name}' is stored in the side file '{location}', and no folder was given to read it from",
                    tensor.Name,
                    "Load the model from its file path so its side file can be found next to it.");
            }

            var maxBytes = ModelLimits.MaxTensorElements * 8;
            if (length > maxBytes)
            {
                throw new ModelException(
                    ModelErrorCode.LimitExceeded,
                    FormattableString.Invariant($"initializer '{tensor.Name}' declares {length:N0} bytes of external data, above the limit of {maxBytes:N0}"),
                    tensor.Name,
                    "Models compiled into code must be far smaller.");
            }

            if (location.Length == 0 || location.IndexOfAny(ControlCharacters) >= 0)
            {
                throw new ModelException(
                    ModelErrorCode.ExternalData,
                    $"initializer '{tensor.Name}' names the side file '{Escape(location)}', which is not a valid file name",
                    tensor.Name,
                    "The file is corrupt; export the model again.");
            }

            try
            {
                tensor.RawData = source.Read(location, offset, length, tensor.Name);
            }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
            {
                throw new ModelException(
                    ModelErrorCode.ExternalData,
                    $"initializer '{tensor.Name}' is stored in '{location}', which cannot be read: {e.Message}",
                    tensor.Name,
                    "Check that the side file next to the model is a readable file.");
            }

            tensor.IsExternal = false;
            tensor.ExternalData.Clear();
        }
    }

    private static readonly char[] ControlCharacters = CreateControlCharacters();

    private static char[] CreateControlCharacters()
    {
        var characters = new char[32];
        for (var i = 0; i < characters.Length; i++)
        {
            characters[i] = (char)i;
        }

        return characters;
    }

    private static string Escape(string text)
    {
        var escaped = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c < ' ')
            {
                escaped.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static long ParseExternalNumber(OnnxTensorProto tensor, OnnxStringEntry entry)
    {
        if (!long.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new ModelException(
                ModelErrorCode.ExternalData,
                $"initializer '{tensor.Name}' has external_data {entry.Key} = '{entry.Value}', which is not a non-negative integer",
                tensor.Name,
                "Export the model again.");
        }

        return number;
    }
}
