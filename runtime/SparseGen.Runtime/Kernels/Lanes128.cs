using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SparseGen.Kernels;

/// <summary>Four lanes: Arm64 AdvSIMD, or x86 SSE2 (fused multiply-adds where FMA exists).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes128 : ILanes<Vector128<float>>
{
    // SSE2 is every x64 CPU, and the instruction set NativeAOT compiles for unless told more (IlcInstructionSet): there
    // the kernels run four lanes wide with a separate multiply and add rather than one lane.
    /// <summary>Whether this CPU accelerates this width (a JIT-time constant).</summary>
    public static bool IsSupported => AdvSimd.Arm64.IsSupported || Sse2.IsSupported;
    /// <inheritdoc/>
    public int Count => 4;
    /// <inheritdoc/>
    public bool HasThirtyTwoRegisters => AdvSimd.Arm64.IsSupported || Avx512F.VL.IsSupported;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Splat(float value) => Vector128.Create(value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Load(ref float source, int offset) => Vector128.LoadUnsafe(ref source, (nuint)offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> LoadCovering(ref float source, int residue, int k) =>
        AdvSimd.IsSupported ? Vector128.LoadUnsafe(ref source, (nuint)((residue & ~3) + (4 * k))) : default;
    // The shift count must be an immediate: the kernels pass a constant residue, and after inlining the JIT sees it.
#pragma warning disable CA1857
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Realign(Vector128<float> low, Vector128<float> high, ref float source, int residue, int k) =>
        !AdvSimd.IsSupported ? Vector128.LoadUnsafe(ref source, (nuint)(residue + (4 * k)))
        : (residue & 3) == 0 ? low : AdvSimd.ExtractVector128(low, high, (byte)(residue & 3));
#pragma warning restore CA1857
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Vector128<float> value, ref float destination, int offset) => Vector128.StoreUnsafe(value, ref destination, (nuint)offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) =>
        Fma.IsSupported ? Fma.MultiplyAdd(left, right, addend)
        : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(addend, left, right)
        : (left * right) + addend;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Relu(Vector128<float> value) =>
        Sse.IsSupported ? Sse.Max(Vector128<float>.Zero, value)
        : AdvSimd.IsSupported ? AdvSimd.Max(value, Vector128<float>.Zero)
        : Vector128.ConditionalSelect(Vector128.LessThan(value, Vector128<float>.Zero), Vector128<float>.Zero, value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Clip(Vector128<float> value, Vector128<float> min, Vector128<float> max) =>
        Vector128.ConditionalSelect(Vector128.LessThan(value, min), min, Vector128.ConditionalSelect(Vector128.GreaterThan(value, max), max, value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> MaxOf(Vector128<float> current, Vector128<float> candidate) =>
        Sse.IsSupported ? Sse.Or(Sse.Max(candidate, current), Sse.CompareUnordered(candidate, candidate))
        : AdvSimd.IsSupported ? AdvSimd.Max(current, candidate)
        : Vector128.ConditionalSelect(Vector128.GreaterThan(candidate, current) | ~Vector128.Equals(candidate, candidate), candidate, current);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Even(Vector128<float> low, Vector128<float> high) =>
        Sse.IsSupported ? Sse.Shuffle(low, high, 0b10_00_10_00) : AdvSimd.Arm64.UnzipEven(low, high);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Odd(Vector128<float> low, Vector128<float> high) =>
        Sse.IsSupported ? Sse.Shuffle(low, high, 0b11_01_11_01) : AdvSimd.Arm64.UnzipOdd(low, high);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> KeepFirst(Vector128<float> value, int count) =>
        Vector128.ConditionalSelect(Vector128.AsSingle(Vector128.LessThan(Vector128.Create(0, 1, 2, 3), Vector128.Create(count))), value, Vector128<float>.Zero);
}
