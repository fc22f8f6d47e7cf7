using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SparseGen.Kernels;

/// <summary>One lane: the same kernels on a CPU without the SIMD above.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes1 : ILanes<float>
{
    /// <inheritdoc/>
    public int Count => 1;
    /// <inheritdoc/>
    public bool HasThirtyTwoRegisters => false;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Splat(float value) => value;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Load(ref float source, int offset) => Unsafe.Add(ref source, offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float LoadCovering(ref float source, int residue, int k) => Unsafe.Add(ref source, residue + k);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Realign(float low, float high, ref float source, int residue, int k) => low;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float value, ref float destination, int offset) => Unsafe.Add(ref destination, offset) = value;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float MultiplyAdd(float left, float right, float addend) => (left * right) + addend;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Add(float left, float right) => left + right;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Multiply(float left, float right) => left * right;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Relu(float value) => value < 0f ? 0f : value;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Clip(float value, float min, float max) => value < min ? min : value > max ? max : value;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float MaxOf(float current, float candidate) => candidate > current || float.IsNaN(candidate) ? candidate : current;
    /// <summary>The even lanes of low ‖ high: low.</summary>
    public float Even(float low, float high) => low;
    /// <summary>The odd lanes of low ‖ high: high.</summary>
    public float Odd(float low, float high) => high;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float KeepFirst(float value, int count) => count > 0 ? value : 0f;
}
