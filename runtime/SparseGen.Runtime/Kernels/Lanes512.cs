using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SparseGen.Kernels;

/// <summary>Sixteen lanes: AVX-512 (32 vector registers).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes512 : ILanes<Vector512<float>>
{
    /// <summary>Whether this CPU accelerates this width (a JIT-time constant).</summary>
    public static bool IsSupported => Avx512F.IsSupported;
    /// <inheritdoc/>
    public int Count => 16;
    /// <inheritdoc/>
    public bool HasThirtyTwoRegisters => true;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Splat(float value) => Vector512.Create(value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Load(ref float source, int offset) => Vector512.LoadUnsafe(ref source, (nuint)offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> LoadCovering(ref float source, int residue, int k) => Vector512.LoadUnsafe(ref source, (nuint)((residue & ~15) + (16 * k)));
    // The shift count must be an immediate: the kernels pass a constant residue, and after inlining the JIT sees it.
#pragma warning disable CA1857
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Realign(Vector512<float> low, Vector512<float> high, ref float source, int residue, int k) =>
        (residue & 15) == 0 ? low : Vector512.AsSingle(Avx512F.AlignRight32(Vector512.AsUInt32(high), Vector512.AsUInt32(low), (byte)(residue & 15)));
#pragma warning restore CA1857
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Vector512<float> value, ref float destination, int offset) => Vector512.StoreUnsafe(value, ref destination, (nuint)offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Avx512F.FusedMultiplyAdd(left, right, addend);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Relu(Vector512<float> value) =>
        Avx512F.Max(Vector512<float>.Zero, value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Clip(Vector512<float> value, Vector512<float> min, Vector512<float> max) =>
        Vector512.ConditionalSelect(Vector512.LessThan(value, min), min, Vector512.ConditionalSelect(Vector512.GreaterThan(value, max), max, value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> MaxOf(Vector512<float> current, Vector512<float> candidate) =>
        Avx512F.Max(candidate, current) | ~Vector512.Equals(candidate, candidate);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Even(Vector512<float> low, Vector512<float> high) => Avx512F.PermuteVar16x32x2(low, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), high);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Odd(Vector512<float> low, Vector512<float> high) => Avx512F.PermuteVar16x32x2(low, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), high);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> KeepFirst(Vector512<float> value, int count) =>
        Vector512.ConditionalSelect(Vector512.AsSingle(Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(count))), value, Vector512<float>.Zero);
}
