using System;
using System.Collections.Generic;
using System.Globalization;

namespace SparseGen.Model.Onnx;

/// <summary>
/// Creates <see cref="OnnxTensorProto"/>s from arrays and reads their elements back. Reading is where a
/// hostile file's sizes meet memory: the declared dims are checked against <see cref="ModelLimits"/>
/// and against the bytes actually present before anything is allocated.
/// </summary>
public static class OnnxTensors
{
    private const string CorruptHint = "The file is corrupt or its exporter is broken; export the model again.";

    /// <summary>A float32 tensor with its data in <c>raw_data</c> (little-endian), as PyTorch writes weights.</summary>
    public static OnnxTensorProto FromFloats(string name, int[] shape, float[] data)
    {
        var tensor = NewTensor(name, OnnxDataType.Float, shape, data.LongLength);
        var raw = new byte[data.Length * 4];
        if (BitConverter.IsLittleEndian)
        {
            Buffer.BlockCopy(data, 0, raw, 0, raw.Length);
        }
        else
        {
            for (var i = 0; i < data.Length; i++)
            {
                WriteLittleEndian(raw, i * 4, BitConverter.ToInt32(BitConverter.GetBytes(data[i]), 0), 4);
            }
        }

        tensor.RawData = raw;
        return tensor;
    }

    /// <summary>An int64 tensor with its data in <c>raw_data</c>; one-dimensional when <paramref name="shape"/> is null.</summary>
    public static OnnxTensorProto FromInt64s(string name, long[] data, int[]? shape = null)
    {
        var tensor = NewTensor(name, OnnxDataType.Int64, shape ?? new[] { data.Length }, data.LongLength);
        var raw = new byte[data.Length * 8];
        for (var i = 0; i < data.Length; i++)
        {
            WriteLittleEndian(raw, i * 8, data[i], 8);
        }

        tensor.RawData = raw;
        return tensor;
    }

    /// <summary>
    /// The tensor's dims as an int array, checked: none negative, each and their product within
    /// <see cref="ModelLimits.MaxTensorElements"/>, rank within <see cref="ModelLimits.MaxRank"/>.
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="node">The node the tensor belongs to, named in errors when the tensor itself has no name.</param>
    public static int[] Shape(OnnxTensorProto tensor, string? node = null)
    {
        var dims = tensor.Dims;
        if (dims.Count > ModelLimits.MaxRank)
        {
            throw new ModelException(
                ModelErrorCode.LimitExceeded,
                $"{Describe(tensor, node)} has {dims.Count} dimensions, more than {ModelLimits.MaxRank} (ModelLimits.MaxRank)",
                Subject(tensor, node),
                "SparseGen supports tensors of rank 8 or less.");
        }

        var shape = new int[dims.Count];
        long count = 1;
        for (var i = 0; i < dims.Count; i++)
        {
            var dim = dims[i];
            if (dim < 0)
            {
                throw new ModelException(
                    ModelErrorCode.InvalidTensor,
                    $"{Describe(tensor, node)} has dims {FormatDims(dims)}: dimension {i} is negative",
                    Subject(tensor, node),
                    CorruptHint);
            }

            // Each factor is at most the limit before multiplying, so the product cannot overflow.
            if (dim > ModelLimits.MaxTensorElements || (count *= dim) > ModelLimits.MaxTensorElements)
            {
                throw new ModelException(
                    ModelErrorCode.LimitExceeded,
                    $"{Describe(tensor, node)} has dims {FormatDims(dims)}, more than {ModelLimits.MaxTensorElements.ToString("N0", CultureInfo.InvariantCulture)} elements (ModelLimits.MaxTensorElements)",
                    Subject(tensor, node),
                    "Models compiled into code must be far smaller; a dimension this large usually means a corrupt file.");
            }

            shape[i] = (int)dim;
        }

        return shape;
    }

    /// <summary>The number of elements the tensor's dims declare (1 for a scalar), checked as <see cref="Shape"/> checks it.</summary>
    public static int ElementCount(OnnxTensorProto tensor, string? node = null)
    {
        var count = 1;
        foreach (var dim in Shape(tensor, node))
        {
            count *= dim;
        }

        return count;
    }

    /// <summary>
    /// The elements of a float32 tensor, from <c>raw_data</c> or <c>float_data</c>, after checking that
    /// the data holds exactly as many elements as the dims declare.
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="node">The node the tensor belongs to, named in errors when the tensor itself has no name.</param>
    public static float[] ToFloats(OnnxTensorProto tensor, string? node = null)
    {
        RequireType(tensor, node, OnnxDataType.Float);
        var count = ElementCount(tensor, node);
        if (UsesRawData(tensor, tensor.FloatData.Count, "float_data", node) is { } raw)
        {
            RequireBytes(tensor, node, raw, count, 4);
            var values = new float[count];
            if (BitConverter.IsLittleEndian)
            {
                Buffer.BlockCopy(raw, 0, values, 0, raw.Length);
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    values[i] = BitConverter.ToSingle(BitConverter.GetBytes((int)ReadLittleEndian(raw, i * 4, 4)), 0);
                }
            }

            return values;
        }

        RequireCount(tensor, node, tensor.FloatData.Count, count, "float_data");
        return tensor.FloatData.ToArray();
    }

    /// <summary>
    /// The elements of an int64 or int32 tensor (shapes, axes, pads), from <c>raw_data</c>,
    /// <c>int64_data</c> or <c>int32_data</c>, checked as <see cref="ToFloats"/> checks them.
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="node">The node the tensor belongs to, named in errors when the tensor itself has no name.</param>
    public static long[] ToInt64s(OnnxTensorProto tensor, string? node = null)
    {
        RequireType(tensor, node, OnnxDataType.Int64, OnnxDataType.Int32);
        var count = ElementCount(tensor, node);
        var is64 = tensor.DataType == OnnxDataType.Int64;
        var typedCount = is64 ? tensor.Int64Data.Count : tensor.Int32Data.Count;
        var typedField = is64 ? "int64_data" : "int32_data";
        if (UsesRawData(tensor, typedCount, typedField, node) is { } raw)
        {
            var width = is64 ? 8 : 4;
            RequireBytes(tensor, node, raw, count, width);
            var values = new long[count];
            for (var i = 0; i < count; i++)
            {
                var bits = ReadLittleEndian(raw, i * width, width);
                values[i] = is64 ? bits : unchecked((int)bits);
            }

            return values;
        }

        RequireCount(tensor, node, typedCount, count, typedField);
        var result = new long[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = is64 ? tensor.Int64Data[i] : tensor.Int32Data[i];
        }

        return result;
    }

    private static OnnxTensorProto NewTensor(string name, OnnxDataType type, int[] shape, long length)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"dimension {dim} of [{string.Join(", ", shape)}] is negative", nameof(shape));
            }

            count *= dim;
        }

        if (count != length)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements but {length} were given", nameof(shape));
        }

        var tensor = new OnnxTensorProto { Name = name, DataType = type };
        foreach (var dim in shape)
        {
            tensor.Dims.Add(dim);
        }

        return tensor;
    }

    private static void RequireType(OnnxTensorProto tensor, string? node, params OnnxDataType[] accepted)
    {
        if (tensor.IsExternal)
        {
            throw new ModelException(
                ModelErrorCode.ExternalData,
                $"{Describe(tensor, node)} is stored in a side file that was not read",
                Subject(tensor, node),
                "Load the model from its file path so its side file can be found next to it.");
        }

        if (Array.IndexOf(accepted, tensor.DataType) < 0)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedDataType,
                $"{Describe(tensor, node)} has element type {tensor.DataType}, expected {string.Join(" or ", accepted)}",
                Subject(tensor, node),
                "SparseGen compiles float32 models; export the model in float32.");
        }
    }

    /// <summary>The raw bytes when the tensor's data is in <c>raw_data</c>, or null when it is in the typed field.</summary>
    private static byte[]? UsesRawData(OnnxTensorProto tensor, int typedCount, string typedField, string? node)
    {
        var raw = tensor.RawData;
        if (raw is null || (raw.Length == 0 && typedCount > 0))
        {
            return null;
        }

        if (typedCount > 0)
        {
            throw new ModelException(
                ModelErrorCode.InvalidTensor,
                $"{Describe(tensor, node)} holds data in both raw_data ({raw.Length:D} bytes) and {typedField} ({typedCount:D} elements)",
                Subject(tensor, node),
                CorruptHint);
        }

        return raw;
    }

    private static void RequireBytes(OnnxTensorProto tensor, string? node, byte[] raw, int count, int width)
    {
        if (raw.LongLength != (long)count * width)
        {
            throw new ModelException(
                ModelErrorCode.InvalidTensor,
                $"{Describe(tensor, node)} declares dims {FormatDims(tensor.Dims)} ({count:D} elements, {(long)count * width:D} bytes) but its raw_data holds {raw.Length:D} bytes",
                Subject(tensor, node),
                CorruptHint);
        }
    }

    private static void RequireCount(OnnxTensorProto tensor, string? node, int present, int count, string field)
    {
        if (present != count)
        {
            throw new ModelException(
                ModelErrorCode.InvalidTensor,
                $"{Describe(tensor, node)} declares dims {FormatDims(tensor.Dims)} ({count:D} elements) but its {field} holds {present:D}",
                Subject(tensor, node),
                CorruptHint);
        }
    }

    private static string Describe(OnnxTensorProto tensor, string? node) =>
        tensor.Name.Length > 0 ? $"tensor '{tensor.Name}'" : node is not null ? $"the tensor of node '{node}'" : "an unnamed tensor";

    private static string? Subject(OnnxTensorProto tensor, string? node) => tensor.Name.Length > 0 ? tensor.Name : node;

    private static string FormatDims(List<long> dims)
    {
        var parts = new string[dims.Count];
        for (var i = 0; i < dims.Count; i++)
        {
            parts[i] = dims[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }

    private static long ReadLittleEndian(byte[] bytes, int offset, int width)
    {
        ulong bits = 0;
        for (var i = width - 1; i >= 0; i--)
        {
            bits = bits << 8 | bytes[offset + i];
        }

        return unchecked((long)bits);
    }

    private static void WriteLittleEndian(byte[] bytes, int offset, long value, int width)
    {
        for (var i = 0; i < width; i++)
        {
            bytes[offset + i] = (byte)(value >> (8 * i));
        }
    }
}
