using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SparseGen.Model.Onnx;

/// <summary>Typed access to a node's attributes; a wrong type or a missing required attribute is a model error.</summary>
internal sealed class NodeAttributes
{
    private readonly Dictionary<string, OnnxAttributeProto> _attributes = new();
    private readonly string _node;

    public NodeAttributes(OnnxNodeProto node, string label)
    {
        _node = label;
        foreach (var attribute in node.Attributes)
        {
            if (attribute.RefAttrName.Length > 0 || attribute.HasGraph)
            {
                throw new ModelException(
                    ModelErrorCode.UnsupportedAttribute,
                    $"attribute '{attribute.Name}' of {node.OpType} holds a {(attribute.HasGraph ? "subgraph" : "function reference")}",
                    label,
                    "SparseGen compiles plain feed-forward graphs; export without control flow or functions.");
            }

            _attributes[attribute.Name] = attribute;
        }
    }

    public bool Has(string name) => _attributes.ContainsKey(name);

    public long Int(string name, long fallback) => Get(name, OnnxAttributeType.Int) is { } a ? a.I : fallback;

    public float Float(string name, float fallback) => Get(name, OnnxAttributeType.Float) is { } a ? a.F : fallback;

    public string String(string name, string fallback) =>
        Get(name, OnnxAttributeType.String) is { } a ? Encoding.UTF8.GetString(a.S) : fallback;

    public long[]? Ints(string name) => Get(name, OnnxAttributeType.Ints)?.Ints.ToArray();

    public float[]? Floats(string name) => Get(name, OnnxAttributeType.Floats)?.Floats.ToArray();

    public OnnxTensorProto? Tensor(string name) => Get(name, OnnxAttributeType.Tensor)?.T;

    /// <summary>Fails on any attribute other than <paramref name="known"/>, so a semantics SparseGen does not implement is never ignored.</summary>
    public void RejectUnknown(string opType, params string[] known)
    {
        foreach (var name in _attributes.Keys)
        {
            if (!known.Contains(name))
            {
                throw new ModelException(
                    ModelErrorCode.UnsupportedAttribute,
                    $"{opType} has attribute '{name}', which SparseGen does not support",
                    _node,
                    $"Supported attributes of {opType}: {string.Join(", ", known)}.");
            }
        }
    }

    private OnnxAttributeProto? Get(string name, OnnxAttributeType type)
    {
        if (!_attributes.TryGetValue(name, out var attribute))
        {
            return null;
        }

        // Old exporters leave the type unset; infer it from the field that holds data.
        var actual = attribute.Type != OnnxAttributeType.Undefined ? attribute.Type : InferType(attribute);
        if (actual != type)
        {
            throw new ModelException(
                ModelErrorCode.InvalidAttribute,
                $"attribute '{name}' is of type {actual}, expected {type}",
                _node,
                "The model does not follow the ONNX operator specification; export it again.");
        }

        return attribute;
    }

    private static OnnxAttributeType InferType(OnnxAttributeProto a) =>
        a.T is not null ? OnnxAttributeType.Tensor
        : a.Floats.Count > 0 ? OnnxAttributeType.Floats
        : a.Ints.Count > 0 ? OnnxAttributeType.Ints
        : a.Strings.Count > 0 ? OnnxAttributeType.Strings
        : a.S.Length > 0 ? OnnxAttributeType.String
        : a.F != 0 ? OnnxAttributeType.Float
        : OnnxAttributeType.Int;
}
