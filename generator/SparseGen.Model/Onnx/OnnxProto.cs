using System.Collections.Generic;

namespace SparseGen.Model.Onnx;

// The subset of onnx.proto (IR version 3 to 10) that models for inference use, field for field.
// Field numbers are in OnnxReader/OnnxWriter beside the code that uses them. Fields SparseGen does not
// use (training info, functions, sparse initializers, quantization annotations) are skipped on read.

/// <summary>ONNX <c>TensorProto.DataType</c>.</summary>
public enum OnnxDataType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    BFloat16 = 16,
}

/// <summary>ONNX <c>AttributeProto.AttributeType</c>.</summary>
public enum OnnxAttributeType
{
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Graph = 5,
    Floats = 6,
    Ints = 7,
    Strings = 8,
    Tensors = 9,
    Graphs = 10,
    SparseTensor = 11,
    SparseTensors = 12,
    TypeProto = 13,
    TypeProtos = 14,
}

public sealed class OnnxModelProto
{
    public long IrVersion { get; set; }
    public List<OnnxOperatorSetId> OpsetImports { get; } = new();
    public string ProducerName { get; set; } = "";
    public string ProducerVersion { get; set; } = "";
    public string Domain { get; set; } = "";
    public long ModelVersion { get; set; }
    public string DocString { get; set; } = "";
    public OnnxGraphProto? Graph { get; set; }
    public List<OnnxStringEntry> MetadataProps { get; } = new();
}

public sealed class OnnxOperatorSetId
{
    public string Domain { get; set; } = "";
    public long Version { get; set; }
}

public sealed class OnnxStringEntry
{
    public OnnxStringEntry()
    {
    }

    public OnnxStringEntry(string key, string value)
    {
        Key = key;
        Value = value;
    }

    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}

public sealed class OnnxGraphProto
{
    public List<OnnxNodeProto> Nodes { get; } = new();
    public string Name { get; set; } = "";
    public List<OnnxTensorProto> Initializers { get; } = new();
    public string DocString { get; set; } = "";
    public List<OnnxValueInfoProto> Inputs { get; } = new();
    public List<OnnxValueInfoProto> Outputs { get; } = new();
    public List<OnnxValueInfoProto> ValueInfo { get; } = new();

    /// <summary>True when the file holds sparse initializers (field 15), which SparseGen does not read.</summary>
    public bool HasSparseInitializers { get; set; }
}

public sealed class OnnxNodeProto
{
    public List<string> Inputs { get; } = new();
    public List<string> Outputs { get; } = new();
    public string Name { get; set; } = "";
    public string OpType { get; set; } = "";
    public string Domain { get; set; } = "";
    public List<OnnxAttributeProto> Attributes { get; } = new();
    public string DocString { get; set; } = "";
}

public sealed class OnnxAttributeProto
{
    public string Name { get; set; } = "";
    public OnnxAttributeType Type { get; set; }
    public float F { get; set; }
    public long I { get; set; }
    public byte[] S { get; set; } = System.Array.Empty<byte>();
    public OnnxTensorProto? T { get; set; }
    public List<float> Floats { get; } = new();
    public List<long> Ints { get; } = new();
    public List<byte[]> Strings { get; } = new();
    public string DocString { get; set; } = "";
    public string RefAttrName { get; set; } = "";

    /// <summary>True when the attribute holds a graph (If, Loop, Scan bodies), which SparseGen does not read.</summary>
    public bool HasGraph { get; set; }
}

public sealed class OnnxTensorProto
{
    public List<long> Dims { get; } = new();
    public OnnxDataType DataType { get; set; }
    public List<float> FloatData { get; } = new();
    public List<int> Int32Data { get; } = new();
    public List<long> Int64Data { get; } = new();
    public List<double> DoubleData { get; } = new();
    public string Name { get; set; } = "";
    public string DocString { get; set; } = "";
    public byte[]? RawData { get; set; }
    public List<OnnxStringEntry> ExternalData { get; } = new();

    /// <summary>True when the data lives in a side file (<c>data_location = EXTERNAL</c>).</summary>
    public bool IsExternal { get; set; }
}

public sealed class OnnxValueInfoProto
{
    public string Name { get; set; } = "";
    public string DocString { get; set; } = "";

    /// <summary>The element type of a tensor type, or <see cref="OnnxDataType.Undefined"/> when the value has no tensor type.</summary>
    public OnnxDataType ElementType { get; set; }

    /// <summary>Dimensions of the tensor type; null when the shape is unknown (no shape field).</summary>
    public List<OnnxDimension>? Shape { get; set; }
}

/// <summary>A dimension: a number, a symbol such as <c>batch</c>, or unknown (neither).</summary>
public sealed class OnnxDimension
{
    public long? Value { get; set; }
    public string? Param { get; set; }

    public static OnnxDimension Of(long value) => new() { Value = value };

    public static OnnxDimension Symbol(string name) => new() { Param = name };
}
