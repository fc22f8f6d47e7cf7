using System;
using System.Globalization;

namespace SparseGen.Model;

/// <summary>What went wrong with a model, as data: a stable code, the node it concerns and what to do.</summary>
public enum ModelErrorCode
{
    /// <summary>The file ends before a message or field it declares.</summary>
    Truncated = 1,
    /// <summary>The bytes are not valid protobuf for the ONNX schema (wrong wire type, bad varint, bad length).</summary>
    InvalidWireFormat = 2,
    /// <summary>A size, count or dimension is above the limits of <see cref="ModelLimits"/>.</summary>
    LimitExceeded = 3,
    /// <summary>The model has no graph, or the graph has no input or output.</summary>
    MissingGraph = 4,
    /// <summary>A node reads a value that no node, input or initializer defines.</summary>
    UndefinedValue = 5,
    /// <summary>A weight the op needs as a constant is not an initializer or Constant.</summary>
    MissingInitializer = 6,
    /// <summary>The op type (or its domain) is not supported.</summary>
    UnsupportedOp = 7,
    /// <summary>An attribute value is outside what the op or SparseGen supports.</summary>
    UnsupportedAttribute = 8,
    /// <summary>A tensor element type other than float32 (or int64 for shapes).</summary>
    UnsupportedDataType = 9,
    /// <summary>Shapes of an op's inputs do not fit together.</summary>
    ShapeMismatch = 10,
    /// <summary>A tensor's declared size disagrees with its data, or its dims are negative.</summary>
    InvalidTensor = 11,
    /// <summary>External tensor data cannot be found or read.</summary>
    ExternalData = 12,
    /// <summary>Two nodes write the same value, or the graph has a cycle.</summary>
    InvalidGraph = 13,
    /// <summary>An attribute is missing or has the wrong type.</summary>
    InvalidAttribute = 14,
}

/// <summary>A problem with a model file: a code, a message saying what is wrong, the node it concerns, and what to do.</summary>
public sealed class ModelError : IEquatable<ModelError>
{
    public ModelError(ModelErrorCode code, string message, string? node = null, string? hint = null)
    {
        Code = code;
        Message = message;
        Node = node;
        Hint = hint;
    }

    public ModelErrorCode Code { get; }

    /// <summary>The stable identifier of <see cref="Code"/>, e.g. <c>SGM007</c>.</summary>
    public string Id => "SGM" + ((int)Code).ToString("000", CultureInfo.InvariantCulture);

    /// <summary>What is wrong.</summary>
    public string Message { get; }

    /// <summary>The node (name, or op type and index when unnamed) or value the error concerns, when there is one.</summary>
    public string? Node { get; }

    /// <summary>What to do about it.</summary>
    public string? Hint { get; }

    public override string ToString()
    {
        var where = Node is null ? "" : $" [node {Node}]";
        var hint = Hint is null ? "" : " " + Hint;
        return $"{Id}: {Message}{where}.{hint}";
    }

    public bool Equals(ModelError? other) =>
        other is not null && Code == other.Code && Message == other.Message && Node == other.Node && Hint == other.Hint;

    public override bool Equals(object? obj) => Equals(obj as ModelError);

    public override int GetHashCode() => ((int)Code * 397) ^ Message.GetHashCode();
}

/// <summary>Thrown inside the model layer; the public entry points turn it into a <see cref="ModelError"/>.</summary>
public sealed class ModelException : Exception
{
    public ModelException(ModelError error) : base(error.ToString()) => Error = error;

    public ModelException(ModelErrorCode code, string message, string? node = null, string? hint = null)
        : this(new ModelError(code, message, node, hint))
    {
    }

    public ModelError Error { get; }
}
