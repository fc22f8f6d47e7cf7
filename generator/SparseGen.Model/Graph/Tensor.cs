using System;
using System.Linq;

namespace SparseGen.Model.Graph;

/// <summary>A float32 constant in row-major order: a weight, a bias, a constant operand.</summary>
public sealed class Tensor
{
    public Tensor(int[] shape, float[] data)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"dimension {dim} is negative", nameof(shape));
            }

            count *= dim;
        }

        if (count != data.LongLength)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} were given", nameof(data));
        }

        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }

    public float[] Data { get; }

    public int Rank => Shape.Length;

    public int ElementCount => Data.Length;

    /// <summary>Elements that are not exactly zero (a negative zero is zero).</summary>
    public int NonZeroCount => Data.Count(v => v != 0f);

    public override string ToString() => $"[{string.Join("×", Shape)}]";
}
