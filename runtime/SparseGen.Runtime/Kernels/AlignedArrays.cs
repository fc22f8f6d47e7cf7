using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SparseGen.Kernels;

/// <summary>
/// Pinned float arrays used from their first 64-byte boundary: the arena each thread keeps, its scratch, and the weight
/// tables whose kernels load whole vectors, so that the vector loads the planner aligned never split a cache line. For
/// generated code: not a stable API.
/// </summary>
/// <remarks>
/// Generated code builds its spans itself, <c>new ReadOnlySpan&lt;float&gt;(array, AlignedStart(array), length)</c>: with
/// a helper here that returned the span, .NET 10's dynamic PGO compiled the kernels reading it with MinOpts.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AlignedArrays
{
    /// <summary>The boundary, in bytes: a cache line, and one 16-float vector.</summary>
    public const int AlignmentBytes = 64;

    /// <summary>An array with room for <paramref name="length"/> floats from its first 64-byte boundary; pinned, so the boundary never moves.</summary>
    public static float[] New(int length) => GC.AllocateArray<float>(length + (AlignmentBytes / sizeof(float)) - 1, pinned: true);

    /// <summary>The index of the first float of <paramref name="array"/> on a 64-byte boundary.</summary>
    public static int AlignedStart(float[] array) =>
        (int)((AlignmentBytes - (Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetArrayDataReference(array)) & (AlignmentBytes - 1))) & (AlignmentBytes - 1)) / sizeof(float);

    /// <summary>A copy of <paramref name="data"/> from the first 64-byte boundary of a new pinned array (<see cref="AlignedStart"/>).</summary>
    public static float[] Copy(ReadOnlySpan<float> data)
    {
        float[] array = New(data.Length);
        data.CopyTo(array.AsSpan(AlignedStart(array)));
        return array;
    }

    /// <summary>A reference to the first float of <paramref name="array"/> on a 64-byte boundary.</summary>
    public static ref float AlignedReference(float[] array) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), AlignedStart(array));
}
