using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SparseGen.Kernels;

/// <summary>Eight lanes: AVX2 with FMA (with AVX-512VL also 32 registers and one-instruction realignment).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes256 : ILanes<Vector256<float>>
{
    /// <summary>Whether this CPU accelerates this width (a JIT-time constant).</summary>
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;
    /// <inheritdoc/>
    public int Count => 8;
    /// <inheritdoc/>
    public bool HasThirtyTwoRegisters => Avx512F.VL.IsSupported;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Splat(float value) => Vector256.Create(value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load(ref float source, int offset) => Vector256.LoadUnsafe(ref source, (nuint)offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> LoadCovering(ref float source, int residue, int k) =>
        Avx512F.VL.IsSupported ? Vector256.LoadUnsafe(ref source, (nuint)((residue & ~7) + (8 * k))) : default;
    // The shift count must be an immediate: the kernels pass a constant residue, and after inlining the JIT sees it.
#pragma warning disable CA1857
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Realign(Vector256<float> low, Vector256<float> high, ref float source, int residue, int k) =>
        !Avx512F.VL.IsSupported ? Vector256.LoadUnsafe(ref source, (nuint)(residue + (8 * k)))
        : (residue & 7) == 0 ? low : Vector256.AsSingle(Avx512F.VL.AlignRight32(Vector256.AsUInt32(high), Vector256.AsUInt32(low), (byte)(residue & 7)));
#pragma warning restore CA1857
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Vector256<float> value, ref float destination, int offset) => Vector256.StoreUnsafe(value, ref destination, (nuint)offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Fma.MultiplyAdd(left, right, addend);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Relu(Vector256<float> value) =>
        Avx.Max(Vector256<float>.Zero, value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Clip(Vector256<float> value, Vector256<float> min, Vector256<float> max) =>
        Vector256.ConditionalSelect(Vector256.LessThan(value, min), min, Vector256.ConditionalSelect(Vector256.GreaterThan(value, max), max, value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> MaxOf(Vector256<float> current, Vector256<float> candidate) =>
        Avx.Or(Avx.Max(candidate, current), Avx.CompareUnordered(candidate, candidate));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Even(Vector256<float> low, Vector256<float> high) =>
        Vector256.AsSingle(Avx2.Permute4x64(Vector256.AsDouble(Avx.Shuffle(low, high, 0b10_00_10_00)), 0b11_01_10_00));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Odd(Vector256<float> low, Vector256<float> high) =>
        Vector256.AsSingle(Avx2.Permute4x64(Vector256.AsDouble(Avx.Shuffle(low, high, 0b11_01_11_01)), 0b11_01_10_00));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> KeepFirst(Vector256<float> value, int count) =>
        Vector256.ConditionalSelect(Vector256.AsSingle(Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count))), value, Vector256<float>.Zero);
}
