using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Onnx;

/// <summary>Numpy-style broadcasting for the constants the importer folds.</summary>
internal static class ConstantFolding
{
    /// <summary>Expands a constant operand to one sample of an activation [batch, ...sample]; its batch dimension must be 1.</summary>
    public static Tensor BroadcastToSample(Tensor constant, int[] sample, string label)
    {
        var full = new[] { 1 }.Concat(sample).ToArray();
        if (constant.Rank > full.Length)
        {
            throw Mismatch(constant.Shape, full, label);
        }

        var aligned = Enumerable.Repeat(1, full.Length - constant.Rank).Concat(constant.Shape).ToArray();
        for (var i = 0; i < full.Length; i++)
        {
            if (aligned[i] != 1 && aligned[i] != full[i])
            {
                throw Mismatch(constant.Shape, full, label);
            }
        }

        var expanded = Expand(constant.Data, aligned.Skip(1).ToArray(), sample);
        return new Tensor(sample, expanded);
    }

    public static ConstantValue Add(ConstantValue left, ConstantValue right, string label)
    {
        if (left.Floats is null || right.Floats is null)
        {
            var l = left.ToInts(label, "Add operand");
            var r = right.ToInts(label, "Add operand");
            if (l.Contains(ConstantValue.Batch) || r.Contains(ConstantValue.Batch) || l.Length != r.Length)
            {
                throw new ModelException(ModelErrorCode.UnsupportedOp, "Add of integer shape values is supported only elementwise on known sizes", label, "Export with a constant-folded reshape target.");
            }

            return ConstantValue.OfInts(left.Shape, l.Zip(r, (a, b) => a + b).ToArray());
        }

        var rank = System.Math.Max(left.Shape.Length, right.Shape.Length);
        var la = Enumerable.Repeat(1, rank - left.Shape.Length).Concat(left.Shape).ToArray();
        var ra = Enumerable.Repeat(1, rank - right.Shape.Length).Concat(right.Shape).ToArray();
        var shape = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            if (la[i] != ra[i] && la[i] != 1 && ra[i] != 1)
            {
                throw Mismatch(left.Shape, right.Shape, label);
            }

            shape[i] = System.Math.Max(la[i], ra[i]);
        }

        var a = Expand(left.Floats, la, shape);
        var b = Expand(right.Floats, ra, shape);
        return ConstantValue.OfFloats(shape, a.Zip(b, (x, y) => x + y).ToArray());
    }

    /// <summary>Expands data of <paramref name="from"/> (same rank, each dim 1 or equal) to <paramref name="to"/>.</summary>
    private static float[] Expand(float[] data, int[] from, int[] to)
    {
        var count = to.Aggregate(1L, (p, d) => p * d);
        if (count > ModelLimits.MaxTensorElements)
        {
            throw new ModelException(
                ModelErrorCode.LimitExceeded,
                $"broadcasting a constant to [{string.Join(", ", to)}] exceeds {ModelLimits.MaxTensorElements:N0} elements (ModelLimits.MaxTensorElements)",
                hint: "Models compiled into code must be far smaller.");
        }

        var result = new float[count];
        var rank = to.Length;
        var index = new int[rank];
        for (var flat = 0L; flat < count; flat++)
        {
            var source = 0;
            for (var axis = 0; axis < rank; axis++)
            {
                source = source * from[axis] + (from[axis] == 1 ? 0 : index[axis]);
            }

            result[flat] = data[source];
            for (var axis = rank - 1; axis >= 0; axis--)
            {
                if (++index[axis] < to[axis])
                {
                    break;
                }

                index[axis] = 0;
            }
        }

        return result;
    }

    private static ModelException Mismatch(int[] a, int[] b, string label) => new(
        ModelErrorCode.ShapeMismatch,
        $"cannot broadcast [{string.Join(", ", a)}] with [{string.Join(", ", b)}]",
        label,
        "Check the shapes of the constant operand; it must broadcast over one sample and keep the batch.");
}
