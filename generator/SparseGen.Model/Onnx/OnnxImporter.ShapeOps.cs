using System;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Onnx;

// The ops that compute shapes rather than activations. PyTorch writes x.view(x.size(0), -1) as
// Shape → Gather → Unsqueeze → Concat → Reshape; these fold to a constant target whose first element
// is the symbolic batch (ConstantValue.Batch), so the reshape keeps the batch free.
public sealed partial class OnnxImporter
{
    private void ImportShape(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("Shape", "start", "end");
        var source = InputName(node, 0);
        long[] dims;
        if (_constants.TryGetValue(source, out var constant))
        {
            dims = constant.Shape.Select(d => (long)d).ToArray();
        }
        else
        {
            RequireActivation(node, 0, label, "input");
            dims = new[] { ConstantValue.Batch }.Concat(_shapes[source].Select(d => (long)d)).ToArray();
        }

        var start = ClampAxis(attributes.Int("start", 0), dims.Length);
        var end = attributes.Has("end") ? ClampAxis(attributes.Int("end", dims.Length), dims.Length) : dims.Length;
        var slice = dims.Skip(start).Take(Math.Max(0, end - start)).ToArray();
        _constants[Output(node)] = ConstantValue.OfInts(new[] { slice.Length }, slice);
    }

    private static int ClampAxis(long axis, int rank)
    {
        if (axis < 0)
        {
            axis += rank;
        }

        return (int)Math.Max(0, Math.Min(rank, axis));
    }

    private void ImportGather(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("Gather", "axis");
        var data = RequireShapeConstant(node, 0, label, "data");
        var indices = RequireConstant(node, 1, label, "indices").ToInts(label, "Gather indices");
        if (data.Shape.Length != 1 || attributes.Int("axis", 0) != 0)
        {
            throw ShapeOpOnly(node, label);
        }

        var values = data.ToInts(label, "Gather data");
        var gathered = new long[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            var index = indices[i] < 0 ? indices[i] + values.Length : indices[i];
            if (index < 0 || index >= values.Length)
            {
                throw new ModelException(ModelErrorCode.InvalidTensor, $"Gather index {indices[i]} is outside [0, {values.Length})", label, "Export the model again.");
            }

            gathered[i] = values[index];
        }

        var shape = RequireConstant(node, 1, label, "indices").Shape;
        _constants[Output(node)] = ConstantValue.OfInts(shape, gathered);
    }

    private void ImportUnsqueeze(OnnxNodeProto node, string label, NodeAttributes attributes, bool squeeze)
    {
        attributes.RejectUnknown(node.OpType, "axes");
        var axes = _opset >= 13
            ? OptionalConstant(node, 1, label, "axes")?.ToInts(label, $"{node.OpType} axes")
            : attributes.Ints("axes");
        var source = InputName(node, 0);
        if (_constants.TryGetValue(source, out var constant))
        {
            var shape = squeeze ? Squeezed(constant.Shape, axes, label) : Unsqueezed(constant.Shape, axes ?? Array.Empty<long>(), label);
            _constants[Output(node)] = constant.Floats is not null ? ConstantValue.OfFloats(shape, constant.Floats) : ConstantValue.OfInts(shape, constant.Ints!);
            return;
        }

        // On an activation it is a reshape that must keep the batch where it is.
        var input = RequireActivation(node, 0, label, "input");
        var full = new[] { 1 }.Concat(_shapes[input]).ToArray();
        var result = squeeze ? Squeezed(full, axes, label, keepFirst: true) : Unsqueezed(full, axes ?? Array.Empty<long>(), label);
        if (squeeze ? (axes ?? Array.Empty<long>()).Any(a => a == 0 || a == -full.Length) : (axes ?? Array.Empty<long>()).Any(a => a == 0 || a == -(full.Length + axes!.Length)))
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                $"{node.OpType} on axis 0 would move the batch dimension",
                label,
                "Squeeze or unsqueeze per-sample axes only.");
        }

        Add(new ReshapeOperation(UniqueName(label), input, Output(node), result.Skip(1).ToArray()));
    }

    private static int[] Unsqueezed(int[] shape, long[] axes, string label)
    {
        var rank = shape.Length + axes.Length;
        var normalised = axes.Select(a => a < 0 ? a + rank : a).ToArray();
        if (normalised.Any(a => a < 0 || a >= rank) || normalised.Distinct().Count() != normalised.Length || rank > ModelLimits.MaxRank)
        {
            throw new ModelException(ModelErrorCode.InvalidAttribute, $"Unsqueeze axes [{string.Join(", ", axes)}] do not fit rank {shape.Length}", label, "Export the model again.");
        }

        var result = new int[rank];
        var next = 0;
        for (var i = 0; i < rank; i++)
        {
            result[i] = normalised.Contains(i) ? 1 : shape[next++];
        }

        return result;
    }

    private static int[] Squeezed(int[] shape, long[]? axes, string label, bool keepFirst = false)
    {
        var normalised = axes?.Select(a => a < 0 ? a + shape.Length : a).ToArray()
            ?? Enumerable.Range(keepFirst ? 1 : 0, shape.Length - (keepFirst ? 1 : 0)).Where(i => shape[i] == 1).Select(i => (long)i).ToArray();
        if (normalised.Any(a => a < 0 || a >= shape.Length || shape[a] != 1))
        {
            throw new ModelException(ModelErrorCode.InvalidAttribute, $"Squeeze axes [{string.Join(", ", axes ?? Array.Empty<long>())}] are not dimensions of size 1 in [{string.Join(", ", shape)}]", label, "Export the model again.");
        }

        return shape.Where((_, i) => !normalised.Contains(i)).ToArray();
    }

    private void ImportConcat(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("Concat", "axis");
        var parts = Enumerable.Range(0, node.Inputs.Count).Select(i => RequireShapeConstant(node, i, label, $"input {i}")).ToArray();
        if (parts.Any(p => p.Shape.Length != 1) || parts.Any(p => p.Ints is null))
        {
            throw ShapeOpOnly(node, label);
        }

        var values = parts.SelectMany(p => p.Ints!).ToArray();
        _constants[Output(node)] = ConstantValue.OfInts(new[] { values.Length }, values);
    }

    private void ImportSlice(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        var data = RequireShapeConstant(node, 0, label, "data");
        long[] starts, ends;
        long[]? axes, steps;
        if (_opset < 10)
        {
            attributes.RejectUnknown("Slice", "starts", "ends", "axes");
            starts = attributes.Ints("starts") ?? Array.Empty<long>();
            ends = attributes.Ints("ends") ?? Array.Empty<long>();
            axes = attributes.Ints("axes");
            steps = null;
        }
        else
        {
            attributes.RejectUnknown("Slice");
            starts = RequireConstant(node, 1, label, "starts").ToInts(label, "Slice starts");
            ends = RequireConstant(node, 2, label, "ends").ToInts(label, "Slice ends");
            axes = OptionalConstant(node, 3, label, "axes")?.ToInts(label, "Slice axes");
            steps = OptionalConstant(node, 4, label, "steps")?.ToInts(label, "Slice steps");
        }

        if (data.Shape.Length != 1 || data.Ints is null || starts.Length != 1 || ends.Length != 1
            || (axes is not null && (axes.Length != 1 || (axes[0] != 0 && axes[0] != -1)))
            || (steps is not null && (steps.Length != 1 || steps[0] != 1)))
        {
            throw ShapeOpOnly(node, label);
        }

        var length = data.Ints.Length;
        var start = (int)Clamp(starts[0] < 0 ? starts[0] + length : starts[0], 0, length);
        var end = (int)Clamp(ends[0] < 0 ? ends[0] + length : ends[0], 0, length);
        var slice = data.Ints.Skip(start).Take(Math.Max(0, end - start)).ToArray();
        _constants[Output(node)] = ConstantValue.OfInts(new[] { slice.Length }, slice);
    }

    private static long Clamp(long value, long min, long max) => Math.Max(min, Math.Min(max, value));

    private void ImportCast(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("Cast", "to", "saturate");
        var to = (OnnxDataType)attributes.Int("to", 0);
        var source = InputName(node, 0);
        if (_constants.TryGetValue(source, out var constant))
        {
            _constants[Output(node)] = to switch
            {
                OnnxDataType.Int64 or OnnxDataType.Int32 => ConstantValue.OfInts(constant.Shape, constant.ToInts(label, "Cast input")),
                OnnxDataType.Float when constant.Floats is not null => constant,
                OnnxDataType.Float when !constant.Ints!.Contains(ConstantValue.Batch) => ConstantValue.OfFloats(constant.Shape, constant.Ints!.Select(v => (float)v).ToArray()),
                _ => throw new ModelException(ModelErrorCode.UnsupportedDataType, $"Cast to {to} of a constant is not supported", label, "Export in float32 with int64 shapes."),
            };
            return;
        }

        RequireActivation(node, 0, label, "input");
        if (to != OnnxDataType.Float)
        {
            throw new ModelException(ModelErrorCode.UnsupportedDataType, $"Cast of an activation to {to}; SparseGen computes in float32", label, "Remove the cast or keep it float32.");
        }

        Alias(node, label, 0);
    }

    private void ImportReshape(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("Reshape", "allowzero");
        var target = RequireConstant(node, 1, label, "target shape").ToInts(label, "Reshape shape");
        var allowZero = attributes.Int("allowzero", 0) != 0;
        var source = InputName(node, 0);
        if (_constants.TryGetValue(source, out var constant))
        {
            var shape = ResolveConstantTarget(constant, target, label);
            _constants[Output(node)] = constant.Floats is not null ? ConstantValue.OfFloats(shape, constant.Floats) : ConstantValue.OfInts(shape, constant.Ints!);
            return;
        }

        var input = RequireActivation(node, 0, label, "input");
        var sample = _shapes[input];
        if (target.Length == 0)
        {
            throw BatchMoved(label, target);
        }

        var first = target[0];
        var keepsBatch = first == ConstantValue.Batch || (first == 0 && !allowZero) || (_fixedBatch is { } fixedBatch && first == fixedBatch);
        var rest = target.Skip(1).ToArray();
        var perSample = new int[rest.Length];
        for (var i = 0; i < rest.Length; i++)
        {
            var dim = rest[i];
            if (dim == 0 && !allowZero)
            {
                if (i >= sample.Length)
                {
                    throw BatchMoved(label, target);
                }

                perSample[i] = sample[i];
            }
            else if (dim == -1)
            {
                perSample[i] = -1;
            }
            else if (dim < 1 || dim > ModelLimits.MaxDimension)
            {
                throw BatchMoved(label, target);
            }
            else
            {
                perSample[i] = (int)dim;
            }
        }

        if (!keepsBatch)
        {
            // [-1, d1, d2, ...] keeps the batch only if d1·d2·… is exactly one sample.
            var inferredPerSample = perSample.All(d => d > 0) && perSample.Aggregate(1L, (p, d) => p * d) == ShapeInference.ElementCount(sample);
            if (first != -1 || !inferredPerSample)
            {
                throw BatchMoved(label, target);
            }
        }

        if (perSample.Count(d => d == -1) > 1)
        {
            throw BatchMoved(label, target);
        }

        if (perSample.Length == 1)
        {
            perSample = new[] { -1 };
        }

        Add(new ReshapeOperation(UniqueName(label), input, Output(node), perSample));
    }

    /// <summary>A reshape target as the user would write it: the symbolic batch as <c>batch</c>.</summary>
    private static string FormatTarget(long[] target) =>
        string.Join(", ", target.Select(d => d == ConstantValue.Batch ? "batch" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static ModelException BatchMoved(string label, long[] target) => new(
        ModelErrorCode.UnsupportedAttribute,
        $"Reshape to [{FormatTarget(target)}] does not keep the batch as the first dimension",
        label,
        "SparseGen keeps the batch symbolic: reshape with x.view(x.size(0), ...), x.flatten(1) or x.reshape(-1, <per-sample dims>).");

    private static int[] ResolveConstantTarget(ConstantValue constant, long[] target, string label)
    {
        var shape = new int[target.Length];
        var known = 1L;
        var inferred = -1;
        for (var i = 0; i < target.Length; i++)
        {
            if (target[i] == -1 && inferred < 0)
            {
                inferred = i;
                continue;
            }

            if (target[i] == ConstantValue.Batch)
            {
                throw new ModelException(
                    ModelErrorCode.UnsupportedAttribute,
                    $"Reshape of a constant to [{FormatTarget(target)}], a shape that holds the batch size, is not supported",
                    label,
                    "SparseGen compiles code for one sample with the batch symbolic, so a constant cannot take the batch's size; compute the constant for one sample, or broadcast it against the activation instead.");
            }

            var dim = target[i] == 0 && i < constant.Shape.Length ? constant.Shape[i] : target[i];
            if (dim < 0 || dim > ModelLimits.MaxDimension)
            {
                throw new ModelException(ModelErrorCode.InvalidAttribute, $"Reshape of a constant to [{string.Join(", ", target)}] is not valid", label, "Export the model again.");
            }

            shape[i] = (int)dim;
            known *= dim;
        }

        if (inferred >= 0)
        {
            shape[inferred] = known == 0 ? 0 : (int)(constant.Length / known);
        }

        if (shape.Aggregate(1L, (p, d) => p * d) != constant.Length)
        {
            throw new ModelException(ModelErrorCode.ShapeMismatch, $"cannot reshape a constant of {constant.Length} elements to [{string.Join(", ", target)}]", label, "Export the model again.");
        }

        return shape;
    }

    private ConstantValue RequireShapeConstant(OnnxNodeProto node, int index, string label, string what)
    {
        var name = InputName(node, index);
        if (_constants.TryGetValue(name, out var value))
        {
            return value;
        }

        throw ShapeOpOnly(node, label);
    }

    private static ModelException ShapeOpOnly(OnnxNodeProto node, string label) => new(
        ModelErrorCode.UnsupportedOp,
        $"{node.OpType} is supported only on constant 1-D shape vectors (the subgraphs that compute reshape targets), not on activations",
        label,
        "Reshape with x.view(x.size(0), -1) or x.flatten(1); SparseGen does not gather, slice or concatenate activations.");
}
