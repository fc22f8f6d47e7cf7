using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SparseGen.Kernels;

/// <summary>
/// PredictBatch's group arena, where a model's fully connected tail runs with the samples of a group in SIMD lanes:
/// value f of sample s at f · <see cref="MaxGroup"/> + s. For generated code: not a stable API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchLanes
{
    /// <summary>Samples in a group: the widest vector's lanes.</summary>
    public const int MaxGroup = 16;

    /// <summary>Puts one sample's values in lane <paramref name="lane"/> of the group arena at <paramref name="offset"/>.</summary>
    public static void ToLanes(ReadOnlySpan<float> values, Span<float> group, int offset, int lane)
    {
        ref float source = ref MemoryMarshal.GetReference(values);
        ref float target = ref Unsafe.Add(ref MemoryMarshal.GetReference(group.Slice(offset, values.Length * MaxGroup)), lane);
        for (int f = 0; f < values.Length; f++)
        {
            Unsafe.Add(ref target, f * MaxGroup) = Unsafe.Add(ref source, f);
        }
    }

    /// <summary>Zeroes lane <paramref name="lane"/> of <paramref name="length"/> values of the group arena at <paramref name="offset"/>.</summary>
    public static void ClearLane(Span<float> group, int offset, int length, int lane)
    {
        var values = group.Slice(offset, length * MaxGroup);
        for (int f = 0; f < length; f++)
        {
            values[(f * MaxGroup) + lane] = 0f;
        }
    }

    /// <summary>Takes one sample's values from lane <paramref name="lane"/> of the group arena at <paramref name="offset"/>.</summary>
    public static void FromLanes(ReadOnlySpan<float> group, int offset, int lane, Span<float> values)
    {
        var source = group.Slice(offset, values.Length * MaxGroup);
        for (int f = 0; f < values.Length; f++)
        {
            values[f] = source[(f * MaxGroup) + lane];
        }
    }

}
