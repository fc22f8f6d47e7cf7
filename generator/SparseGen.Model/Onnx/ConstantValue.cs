using System.Globalization;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Onnx;

/// <summary>
/// A value the importer knows at compile time: a float tensor (weights) or an int64 tensor (shapes,
/// axes, indices). An int64 element may be <see cref="Batch"/>, the symbolic batch size, which is how
/// <c>x.view(x.size(0), -1)</c> folds to a reshape target without fixing the batch.
/// </summary>
internal sealed class ConstantValue
{
    /// <summary>The batch dimension in an int64 shape vector whose value is only known at run time.</summary>
    public const long Batch = long.MinValue;

    private ConstantValue(int[] shape, float[]? floats, long[]? ints)
    {
        Shape = shape;
        Floats = floats;
        Ints = ints;
    }

    public int[] Shape { get; }

    public float[]? Floats { get; }

    public long[]? Ints { get; }

    public int Length => Floats?.Length ?? Ints!.Length;

    public static ConstantValue OfFloats(int[] shape, float[] data) => new(shape, data, null);

    public static ConstantValue OfInts(int[] shape, long[] data) => new(shape, null, data);

    public static ConstantValue FromTensor(OnnxTensorProto tensor, string node)
    {
        switch (tensor.DataType)
        {
            case OnnxDataType.Float:
                return OfFloats(OnnxTensors.Shape(tensor, node), OnnxTensors.ToFloats(tensor, node));
            case OnnxDataType.Int64:
            case OnnxDataType.Int32:
                return OfInts(OnnxTensors.Shape(tensor, node), OnnxTensors.ToInt64s(tensor, node));
            default:
                throw new ModelException(
                    ModelErrorCode.UnsupportedDataType,
                    $"tensor '{tensor.Name}' has element type {tensor.DataType}; SparseGen reads float32 weights and int64 shapes",
                    node,
                    "Export the model in float32 (no float16, double or quantized weights).");
        }
    }

    /// <summary>The tensor as IR weights; only float tensors qualify.</summary>
    public Tensor ToTensor(string node, string what)
    {
        if (Floats is null)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedDataType,
                $"{what} is an integer tensor, expected float32",
                node,
                "Export the model in float32.");
        }

        return new Tensor(Shape, Floats);
    }

    /// <summary>Integer view, for axes, shapes and indices; float constants with integral values are accepted as some exporters write them.</summary>
    public long[] ToInts(string node, string what)
    {
        if (Ints is not null)
        {
            return Ints;
        }

        if (Floats!.All(f => f == System.Math.Floor(f) && System.Math.Abs(f) < 1e15))
        {
            return Floats.Select(f => (long)f).ToArray();
        }

        throw new ModelException(ModelErrorCode.InvalidTensor, $"{what} must hold integers", node, "Export the model again.");
    }

    /// <summary>A scalar float (Clip bounds), from a float or integer tensor of one element.</summary>
    public float ToScalar(string node, string what)
    {
        if (Length != 1)
        {
            throw new ModelException(ModelErrorCode.InvalidTensor, $"{what} has {Length} elements, expected a scalar", node, "Export the model again.");
        }

        return Floats is not null ? Floats[0] : Ints![0];
    }

    public override string ToString() =>
        "[" + string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
