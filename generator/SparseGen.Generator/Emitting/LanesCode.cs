using System.Collections.Generic;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Emitting;

/// <summary>
/// The SIMD layer of the generated code. Kernels are generic methods over a lanes struct
/// (<c>TLanes : ILanes&lt;V&gt;</c>) whose members the JIT inlines to single instructions; <c>Run</c>
/// picks the widest width the CPU accelerates once per call, and the JIT compiles only that
/// instantiation. The scalar struct (one lane) runs the same kernels on any CPU.
/// </summary>
internal static class LanesCode
{
    /// <summary>Type parameters and constraints of a SIMD kernel method.</summary>
    public const string TypeParameters = "<V, TLanes>";

    public const string Constraints = " where V : struct where TLanes : struct, ILanes<V>";

    /// <summary>The lane widths the dispatch tries, widest first: (struct name, vector type, condition).</summary>
    public static IEnumerable<(string Lanes, string Vector)> Paths(LaneWidths widths)
    {
        if ((widths & LaneWidths.Vector512) != 0)
        {
            yield return ("Lanes512", "global::System.Runtime.Intrinsics.Vector512<float>");
        }

        if ((widths & LaneWidths.Vector256) != 0)
        {
            yield return ("Lanes256", "global::System.Runtime.Intrinsics.Vector256<float>");
        }

        if ((widths & LaneWidths.Vector128) != 0)
        {
            yield return ("Lanes128", "global::System.Runtime.Intrinsics.Vector128<float>");
        }
    }

    /// <summary>The interface, the lane structs and the helpers every SIMD kernel shares.</summary>
    public const string Helpers = """
/// <summary>One SIMD width: the kernels are generic over it and the JIT inlines every member to an instruction.</summary>
private interface ILanes<V> where V : struct
{
    int Count { get; }
    /// <summary>Whether the CPU has 32 vector registers of this width (AVX-512, Arm64), room for tiles of 28 accumulators.</summary>
    bool HasThirtyTwoRegisters { get; }
    V Splat(float value);
    V Load(ref float source, int offset);
    /// <summary>
    /// Vector <paramref name="k"/> of the aligned vectors that cover the run of lanes starting <paramref name="residue"/>
    /// (0–15) floats past <paramref name="source"/>, a 64-byte boundary: loads that never split a cache line. The default
    /// where <see cref="Realign"/> loads the run itself.
    /// </summary>
    V LoadCovering(ref float source, int residue, int k);
    /// <summary>
    /// Vector <paramref name="k"/> of that run: lanes (residue mod Count) onward of <paramref name="low"/> ‖
    /// <paramref name="high"/>, the covering vectors k and k + 1, shifted in registers; or an unaligned load where this
    /// width has no one-instruction shift across the whole vector. <paramref name="residue"/> must be a constant.
    /// </summary>
    V Realign(V low, V high, ref float source, int residue, int k);
    void Store(V value, ref float destination, int offset);
    /// <summary>left · right + addend, rounded once where the CPU fuses it.</summary>
    V MultiplyAdd(V left, V right, V addend);
    /// <summary>left + right per lane, rounded as a scalar float sum is.</summary>
    V Add(V left, V right);
    /// <summary>left · right per lane, rounded as a scalar float product is.</summary>
    V Multiply(V left, V right);
    /// <summary>
    /// v &lt; 0 ? 0 : v per lane, as the reference's Relu: a NaN stays NaN. On x86 one <c>maxps</c> with the zero first:
    /// it returns its second operand unless the first is greater, a NaN included; on Arm64 <c>fmax</c>, which keeps a NaN.
    /// </summary>
    V Relu(V value);
    /// <summary>v &lt; min ? min : v &gt; max ? max : v per lane, as the reference's Clip (a NaN stays).</summary>
    V Clip(V value, V min, V max);
    /// <summary>
    /// The larger of the two per lane, NaN where either is NaN: the reference's max step, the same in any order. On x86
    /// <c>maxps(candidate, current)</c> keeps a NaN current, and or-ing in <c>cmpunordps(candidate, candidate)</c> a NaN
    /// candidate; on Arm64 one <c>fmax</c>.
    /// </summary>
    V MaxOf(V current, V candidate);
    /// <summary>The even lanes of low ‖ high.</summary>
    V Even(V low, V high);
    /// <summary>The odd lanes of low ‖ high.</summary>
    V Odd(V low, V high);
    /// <summary><paramref name="value"/> with its lanes from <paramref name="count"/> on made +0 (every lane kept when count ≥ Count).</summary>
    V KeepFirst(V value, int count);
}

private readonly struct Lanes512 : ILanes<global::System.Runtime.Intrinsics.Vector512<float>>
{
    public static bool IsSupported => global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported;
    public int Count => 16;
    public bool HasThirtyTwoRegisters => true;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> Splat(float value) => global::System.Runtime.Intrinsics.Vector512.Create(value);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> Load(ref float source, int offset) => global::System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref source, (nuint)offset);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> LoadCovering(ref float source, int residue, int k) => global::System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref source, (nuint)((residue & ~15) + (16 * k)));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> Realign(global::System.Runtime.Intrinsics.Vector512<float> low, global::System.Runtime.Intrinsics.Vector512<float> high, ref float source, int residue, int k) =>
        (residue & 15) == 0 ? low : global::System.Runtime.Intrinsics.Vector512.AsSingle(global::System.Runtime.Intrinsics.X86.Avx512F.AlignRight32(global::System.Runtime.Intrinsics.Vector512.AsUInt32(high), global::System.Runtime.Intrinsics.Vector512.AsUInt32(low), (byte)(residue & 15)));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Store(global::System.Runtime.Intrinsics.Vector512<float> value, ref float destination, int offset) => global::System.Runtime.Intrinsics.Vector512.StoreUnsafe(value, ref destination, (nuint)offset);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> MultiplyAdd(global::System.Runtime.Intrinsics.Vector512<float> left, global::System.Runtime.Intrinsics.Vector512<float> right, global::System.Runtime.Intrinsics.Vector512<float> addend) =>
        global::System.Runtime.Intrinsics.X86.Avx512F.FusedMultiplyAdd(left, right, addend);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> Add(global::System.Runtime.Intrinsics.Vector512<float> left, global::System.Runtime.Intrinsics.Vector512<float> right) => left + right;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> Multiply(global::System.Runtime.Intrinsics.Vector512<float> left, global::System.Runtime.Intrinsics.Vector512<float> right) => left * right;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> Relu(global::System.Runtime.Intrinsics.Vector512<float> value) =>
        global::System.Runtime.Intrinsics.X86.Avx512F.Max(global::System.Runtime.Intrinsics.Vector512<float>.Zero, value);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> Clip(global::System.Runtime.Intrinsics.Vector512<float> value, global::System.Runtime.Intrinsics.Vector512<float> min, global::System.Runtime.Intrinsics.Vector512<float> max) =>
        global::System.Runtime.Intrinsics.Vector512.ConditionalSelect(global::System.Runtime.Intrinsics.Vector512.LessThan(value, min), min, global::System.Runtime.Intrinsics.Vector512.ConditionalSelect(global::System.Runtime.Intrinsics.Vector512.GreaterThan(value, max), max, value));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> MaxOf(global::System.Runtime.Intrinsics.Vector512<float> current, global::System.Runtime.Intrinsics.Vector512<float> candidate) =>
        global::System.Runtime.Intrinsics.X86.Avx512F.Max(candidate, current) | ~global::System.Runtime.Intrinsics.Vector512.Equals(candidate, candidate);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> Even(global::System.Runtime.Intrinsics.Vector512<float> low, global::System.Runtime.Intrinsics.Vector512<float> high) => global::System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32x2(low, global::System.Runtime.Intrinsics.Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), high);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> Odd(global::System.Runtime.Intrinsics.Vector512<float> low, global::System.Runtime.Intrinsics.Vector512<float> high) => global::System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32x2(low, global::System.Runtime.Intrinsics.Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), high);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector512<float> KeepFirst(global::System.Runtime.Intrinsics.Vector512<float> value, int count) =>
        global::System.Runtime.Intrinsics.Vector512.ConditionalSelect(global::System.Runtime.Intrinsics.Vector512.AsSingle(global::System.Runtime.Intrinsics.Vector512.LessThan(global::System.Runtime.Intrinsics.Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), global::System.Runtime.Intrinsics.Vector512.Create(count))), value, global::System.Runtime.Intrinsics.Vector512<float>.Zero);
}

private readonly struct Lanes256 : ILanes<global::System.Runtime.Intrinsics.Vector256<float>>
{
    public static bool IsSupported => global::System.Runtime.Intrinsics.X86.Avx2.IsSupported && global::System.Runtime.Intrinsics.X86.Fma.IsSupported;
    public int Count => 8;
    public bool HasThirtyTwoRegisters => global::System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> Splat(float value) => global::System.Runtime.Intrinsics.Vector256.Create(value);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> Load(ref float source, int offset) => global::System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref source, (nuint)offset);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> LoadCovering(ref float source, int residue, int k) =>
        global::System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported ? global::System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref source, (nuint)((residue & ~7) + (8 * k))) : default;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> Realign(global::System.Runtime.Intrinsics.Vector256<float> low, global::System.Runtime.Intrinsics.Vector256<float> high, ref float source, int residue, int k) =>
        !global::System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported ? global::System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref source, (nuint)(residue + (8 * k)))
        : (residue & 7) == 0 ? low : global::System.Runtime.Intrinsics.Vector256.AsSingle(global::System.Runtime.Intrinsics.X86.Avx512F.VL.AlignRight32(global::System.Runtime.Intrinsics.Vector256.AsUInt32(high), global::System.Runtime.Intrinsics.Vector256.AsUInt32(low), (byte)(residue & 7)));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Store(global::System.Runtime.Intrinsics.Vector256<float> value, ref float destination, int offset) => global::System.Runtime.Intrinsics.Vector256.StoreUnsafe(value, ref destination, (nuint)offset);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> MultiplyAdd(global::System.Runtime.Intrinsics.Vector256<float> left, global::System.Runtime.Intrinsics.Vector256<float> right, global::System.Runtime.Intrinsics.Vector256<float> addend) =>
        global::System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(left, right, addend);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> Add(global::System.Runtime.Intrinsics.Vector256<float> left, global::System.Runtime.Intrinsics.Vector256<float> right) => left + right;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> Multiply(global::System.Runtime.Intrinsics.Vector256<float> left, global::System.Runtime.Intrinsics.Vector256<float> right) => left * right;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> Relu(global::System.Runtime.Intrinsics.Vector256<float> value) =>
        global::System.Runtime.Intrinsics.X86.Avx.Max(global::System.Runtime.Intrinsics.Vector256<float>.Zero, value);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> Clip(global::System.Runtime.Intrinsics.Vector256<float> value, global::System.Runtime.Intrinsics.Vector256<float> min, global::System.Runtime.Intrinsics.Vector256<float> max) =>
        global::System.Runtime.Intrinsics.Vector256.ConditionalSelect(global::System.Runtime.Intrinsics.Vector256.LessThan(value, min), min, global::System.Runtime.Intrinsics.Vector256.ConditionalSelect(global::System.Runtime.Intrinsics.Vector256.GreaterThan(value, max), max, value));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> MaxOf(global::System.Runtime.Intrinsics.Vector256<float> current, global::System.Runtime.Intrinsics.Vector256<float> candidate) =>
        global::System.Runtime.Intrinsics.X86.Avx.Or(global::System.Runtime.Intrinsics.X86.Avx.Max(candidate, current), global::System.Runtime.Intrinsics.X86.Avx.CompareUnordered(candidate, candidate));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> Even(global::System.Runtime.Intrinsics.Vector256<float> low, global::System.Runtime.Intrinsics.Vector256<float> high) =>
        global::System.Runtime.Intrinsics.Vector256.AsSingle(global::System.Runtime.Intrinsics.X86.Avx2.Permute4x64(global::System.Runtime.Intrinsics.Vector256.AsDouble(global::System.Runtime.Intrinsics.X86.Avx.Shuffle(low, high, 0b10_00_10_00)), 0b11_01_10_00));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> Odd(global::System.Runtime.Intrinsics.Vector256<float> low, global::System.Runtime.Intrinsics.Vector256<float> high) =>
        global::System.Runtime.Intrinsics.Vector256.AsSingle(global::System.Runtime.Intrinsics.X86.Avx2.Permute4x64(global::System.Runtime.Intrinsics.Vector256.AsDouble(global::System.Runtime.Intrinsics.X86.Avx.Shuffle(low, high, 0b11_01_11_01)), 0b11_01_10_00));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector256<float> KeepFirst(global::System.Runtime.Intrinsics.Vector256<float> value, int count) =>
        global::System.Runtime.Intrinsics.Vector256.ConditionalSelect(global::System.Runtime.Intrinsics.Vector256.AsSingle(global::System.Runtime.Intrinsics.Vector256.LessThan(global::System.Runtime.Intrinsics.Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), global::System.Runtime.Intrinsics.Vector256.Create(count))), value, global::System.Runtime.Intrinsics.Vector256<float>.Zero);
}

private readonly struct Lanes128 : ILanes<global::System.Runtime.Intrinsics.Vector128<float>>
{
    // SSE2 is every x64 CPU, and the instruction set NativeAOT compiles for unless told more (IlcInstructionSet): there
    // the kernels run four lanes wide with a separate multiply and add rather than one lane.
    public static bool IsSupported => global::System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported || global::System.Runtime.Intrinsics.X86.Sse2.IsSupported;
    public int Count => 4;
    public bool HasThirtyTwoRegisters => global::System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported || global::System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> Splat(float value) => global::System.Runtime.Intrinsics.Vector128.Create(value);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> Load(ref float source, int offset) => global::System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref source, (nuint)offset);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> LoadCovering(ref float source, int residue, int k) =>
        global::System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? global::System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref source, (nuint)((residue & ~3) + (4 * k))) : default;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> Realign(global::System.Runtime.Intrinsics.Vector128<float> low, global::System.Runtime.Intrinsics.Vector128<float> high, ref float source, int residue, int k) =>
        !global::System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? global::System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref source, (nuint)(residue + (4 * k)))
        : (residue & 3) == 0 ? low : global::System.Runtime.Intrinsics.Arm.AdvSimd.ExtractVector128(low, high, (byte)(residue & 3));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Store(global::System.Runtime.Intrinsics.Vector128<float> value, ref float destination, int offset) => global::System.Runtime.Intrinsics.Vector128.StoreUnsafe(value, ref destination, (nuint)offset);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> MultiplyAdd(global::System.Runtime.Intrinsics.Vector128<float> left, global::System.Runtime.Intrinsics.Vector128<float> right, global::System.Runtime.Intrinsics.Vector128<float> addend) =>
        global::System.Runtime.Intrinsics.X86.Fma.IsSupported ? global::System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(left, right, addend)
        : global::System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? global::System.Runtime.Intrinsics.Arm.AdvSimd.FusedMultiplyAdd(addend, left, right)
        : (left * right) + addend;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> Add(global::System.Runtime.Intrinsics.Vector128<float> left, global::System.Runtime.Intrinsics.Vector128<float> right) => left + right;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> Multiply(global::System.Runtime.Intrinsics.Vector128<float> left, global::System.Runtime.Intrinsics.Vector128<float> right) => left * right;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> Relu(global::System.Runtime.Intrinsics.Vector128<float> value) =>
        global::System.Runtime.Intrinsics.X86.Sse.IsSupported ? global::System.Runtime.Intrinsics.X86.Sse.Max(global::System.Runtime.Intrinsics.Vector128<float>.Zero, value)
        : global::System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? global::System.Runtime.Intrinsics.Arm.AdvSimd.Max(value, global::System.Runtime.Intrinsics.Vector128<float>.Zero)
        : global::System.Runtime.Intrinsics.Vector128.ConditionalSelect(global::System.Runtime.Intrinsics.Vector128.LessThan(value, global::System.Runtime.Intrinsics.Vector128<float>.Zero), global::System.Runtime.Intrinsics.Vector128<float>.Zero, value);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> Clip(global::System.Runtime.Intrinsics.Vector128<float> value, global::System.Runtime.Intrinsics.Vector128<float> min, global::System.Runtime.Intrinsics.Vector128<float> max) =>
        global::System.Runtime.Intrinsics.Vector128.ConditionalSelect(global::System.Runtime.Intrinsics.Vector128.LessThan(value, min), min, global::System.Runtime.Intrinsics.Vector128.ConditionalSelect(global::System.Runtime.Intrinsics.Vector128.GreaterThan(value, max), max, value));
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> MaxOf(global::System.Runtime.Intrinsics.Vector128<float> current, global::System.Runtime.Intrinsics.Vector128<float> candidate) =>
        global::System.Runtime.Intrinsics.X86.Sse.IsSupported ? global::System.Runtime.Intrinsics.X86.Sse.Or(global::System.Runtime.Intrinsics.X86.Sse.Max(candidate, current), global::System.Runtime.Intrinsics.X86.Sse.CompareUnordered(candidate, candidate))
        : global::System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? global::System.Runtime.Intrinsics.Arm.AdvSimd.Max(current, candidate)
        : global::System.Runtime.Intrinsics.Vector128.ConditionalSelect(global::System.Runtime.Intrinsics.Vector128.GreaterThan(candidate, current) | ~global::System.Runtime.Intrinsics.Vector128.Equals(candidate, candidate), candidate, current);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> Even(global::System.Runtime.Intrinsics.Vector128<float> low, global::System.Runtime.Intrinsics.Vector128<float> high) =>
        global::System.Runtime.Intrinsics.X86.Sse.IsSupported ? global::System.Runtime.Intrinsics.X86.Sse.Shuffle(low, high, 0b10_00_10_00) : global::System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.UnzipEven(low, high);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> Odd(global::System.Runtime.Intrinsics.Vector128<float> low, global::System.Runtime.Intrinsics.Vector128<float> high) =>
        global::System.Runtime.Intrinsics.X86.Sse.IsSupported ? global::System.Runtime.Intrinsics.X86.Sse.Shuffle(low, high, 0b11_01_11_01) : global::System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.UnzipOdd(low, high);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public global::System.Runtime.Intrinsics.Vector128<float> KeepFirst(global::System.Runtime.Intrinsics.Vector128<float> value, int count) =>
        global::System.Runtime.Intrinsics.Vector128.ConditionalSelect(global::System.Runtime.Intrinsics.Vector128.AsSingle(global::System.Runtime.Intrinsics.Vector128.LessThan(global::System.Runtime.Intrinsics.Vector128.Create(0, 1, 2, 3), global::System.Runtime.Intrinsics.Vector128.Create(count))), value, global::System.Runtime.Intrinsics.Vector128<float>.Zero);
}

/// <summary>One lane: the same kernels on a CPU without the SIMD above.</summary>
private readonly struct Lanes1 : ILanes<float>
{
    public int Count => 1;
    public bool HasThirtyTwoRegisters => false;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float Splat(float value) => value;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float Load(ref float source, int offset) => global::System.Runtime.CompilerServices.Unsafe.Add(ref source, offset);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float LoadCovering(ref float source, int residue, int k) => global::System.Runtime.CompilerServices.Unsafe.Add(ref source, residue + k);
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float Realign(float low, float high, ref float source, int residue, int k) => low;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Store(float value, ref float destination, int offset) => global::System.Runtime.CompilerServices.Unsafe.Add(ref destination, offset) = value;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float MultiplyAdd(float left, float right, float addend) => (left * right) + addend;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float Add(float left, float right) => left + right;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float Multiply(float left, float right) => left * right;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float Relu(float value) => value < 0f ? 0f : value;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float Clip(float value, float min, float max) => value < min ? min : value > max ? max : value;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float MaxOf(float current, float candidate) => candidate > current || float.IsNaN(candidate) ? candidate : current;
    /// <summary>The even lanes of low ‖ high: low.</summary>
    public float Even(float low, float high) => low;
    /// <summary>The odd lanes of low ‖ high: high.</summary>
    public float Odd(float low, float high) => high;
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public float KeepFirst(float value, int count) => count > 0 ? value : 0f;
}

/// <summary>
/// Copies each channel of <paramref name="x"/> ([channels × height × width]) into zero-bordered phase
/// planes: phase (ph, pw) of a channel holds padded rows ph, ph + strideH, … and columns pw, pw + strideW, ….
/// A strided convolution then reads each tap as one contiguous run. Only the phases whose bit (ph · strideW + pw)
/// is set in <paramref name="phases"/> are copied: the ones the convolution's taps read. Borders are never
/// written, so they stay zero from the arena's allocation.
/// </summary>
[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
private static void PadInput(global::System.ReadOnlySpan<float> x, global::System.Span<float> padded, int channels, int height, int width, int padTop, int padLeft, int strideH, int strideW, int phaseHeight, int phaseWidth, int phases)
{
    int phasePlane = phaseHeight * phaseWidth;
    // Where each column phase starts, in the source row and in its plane's row: divisions once, not per row.
    global::System.Span<int> firstColumn = stackalloc int[strideW];
    global::System.Span<int> firstTarget = stackalloc int[strideW];
    for (int phase = 0; phase < strideW; phase++)
    {
        firstColumn[phase] = ((phase - padLeft) % strideW + strideW) % strideW;
        firstTarget[phase] = phase * phasePlane + (firstColumn[phase] + padLeft) / strideW;
    }

    ref float from = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
    ref float planes = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(padded);
    if (strideH == 1 && strideW == 1)
    {
        // One phase: row after row, the source contiguous and each target row one padded row further.
        for (int c = 0, source = 0; c < channels; c++)
        {
            for (int iy = 0, target = c * phasePlane + padTop * phaseWidth + padLeft; iy < height; iy++, source += width, target += phaseWidth)
            {
                CopyRow(ref global::System.Runtime.CompilerServices.Unsafe.Add(ref from, source), ref global::System.Runtime.CompilerServices.Unsafe.Add(ref planes, target), width);
            }
        }

        return;
    }

    for (int c = 0; c < channels; c++)
    {
        // Padded row py = iy + padTop lies in row phase py % strideH, at row py / strideH of it.
        for (int iy = 0, rowPhase = padTop % strideH, phaseRow = padTop / strideH; iy < height; iy++)
        {
            int rowPhases = (phases >> (rowPhase * strideW)) & ((1 << strideW) - 1);
            if (rowPhases != 0)
            {
                ref float source = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref from, (c * height + iy) * width);
                ref float rowStart = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref planes, ((c * strideH + rowPhase) * strideW) * phasePlane + phaseRow * phaseWidth);
                if (strideW == 1)
                {
                    CopyRow(ref source, ref global::System.Runtime.CompilerServices.Unsafe.Add(ref rowStart, padLeft), width);
                }
                else
                {
                    // One column phase at a time: its columns are ix = first, first + strideW, … and land side by side.
                    for (int phase = 0; phase < strideW; phase++)
                    {
                        if ((rowPhases & (1 << phase)) == 0)
                        {
                            continue;
                        }

                        ref float to = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref rowStart, firstTarget[phase]);
                        for (int k = 0, ix = firstColumn[phase]; ix < width; k++, ix += strideW)
                        {
                            global::System.Runtime.CompilerServices.Unsafe.Add(ref to, k) = global::System.Runtime.CompilerServices.Unsafe.Add(ref source, ix);
                        }
                    }
                }
            }

            if (++rowPhase == strideH)
            {
                rowPhase = 0;
                phaseRow++;
            }
        }
    }
}

/// <summary>
/// y = (x − mean) · factor + bias over one channel, in lanes: a subtraction, a product and a sum, each rounded as the
/// scalar expression rounds it (no fused multiply-add), so every lane equals the reference's BatchNorm.
/// </summary>
[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
private static void NormalizeLanes<V, TLanes>(global::System.ReadOnlySpan<float> x, global::System.Span<float> y, float mean, float factor, float bias) where V : struct where TLanes : struct, ILanes<V>
{
    TLanes lanes = default;
    ref float source = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
    ref float target = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
    V negatedMean = lanes.Splat(-mean), scale = lanes.Splat(factor), shift = lanes.Splat(bias);
    int i = 0;
    for (; i <= y.Length - lanes.Count; i += lanes.Count)
    {
        lanes.Store(lanes.Add(lanes.Multiply(lanes.Add(lanes.Load(ref source, i), negatedMean), scale), shift), ref target, i);
    }

    for (; i < y.Length; i++)
    {
        global::System.Runtime.CompilerServices.Unsafe.Add(ref target, i) = (global::System.Runtime.CompilerServices.Unsafe.Add(ref source, i) - mean) * factor + bias;
    }
}

/// <summary>
/// Copies <paramref name="count"/> floats, inlined: a short row costs a few vector moves instead of a call to
/// memmove (PadInput copies one row at a time; a 14-float row went from ~6 ns to ~1 ns). Whole vectors of the widest
/// width the row fills, then the row's last vector of that width again, overlapping what is written (the same values):
/// a 14-float row is two 8-float moves.
/// </summary>
[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
private static void CopyRow(ref float from, ref float to, int count)
{
    if (global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && count >= 16)
    {
        for (int i = 0; i < count - 16; i += 16)
        {
            global::System.Runtime.Intrinsics.Vector512.StoreUnsafe(global::System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref from, (nuint)i), ref to, (nuint)i);
        }

        global::System.Runtime.Intrinsics.Vector512.StoreUnsafe(global::System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref from, (nuint)(count - 16)), ref to, (nuint)(count - 16));
        return;
    }

    if (global::System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && count >= 8)
    {
        for (int i = 0; i < count - 8; i += 8)
        {
            global::System.Runtime.Intrinsics.Vector256.StoreUnsafe(global::System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref from, (nuint)i), ref to, (nuint)i);
        }

        global::System.Runtime.Intrinsics.Vector256.StoreUnsafe(global::System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref from, (nuint)(count - 8)), ref to, (nuint)(count - 8));
        return;
    }

    if (global::System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated && count >= 4)
    {
        for (int i = 0; i < count - 4; i += 4)
        {
            global::System.Runtime.Intrinsics.Vector128.StoreUnsafe(global::System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref from, (nuint)i), ref to, (nuint)i);
        }

        global::System.Runtime.Intrinsics.Vector128.StoreUnsafe(global::System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref from, (nuint)(count - 4)), ref to, (nuint)(count - 4));
        return;
    }

    for (int i = 0; i < count; i++)
    {
        global::System.Runtime.CompilerServices.Unsafe.Add(ref to, i) = global::System.Runtime.CompilerServices.Unsafe.Add(ref from, i);
    }
}

/// <summary>
/// Writes rows × columns outputs from a wide plane (rows of <paramref name="wideRowLength"/>, the extra
/// columns garbage) to <paramref name="y"/> at <paramref name="offset"/>, through Relu if asked. A vector
/// may spill past a row: outputs are written in ascending order, so a later row (or the next channel, in the same
/// task) overwrites the spill, and nothing is written at or past <paramref name="limit"/>.
/// </summary>
[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
private static void StoreRows<V, TLanes>(ref float wide, global::System.Span<float> y, int offset, int rows, int columns, int wideRowLength, bool relu, int limit) where V : struct where TLanes : struct, ILanes<V>
{
    TLanes lanes = default;
    int count = lanes.Count;
    ref float target = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
    for (int r = 0; r < rows; r++)
    {
        int source = r * wideRowLength, destination = offset + r * columns, c = 0;
        for (; c < columns && destination + c + count <= limit; c += count)
        {
            V v = lanes.Load(ref wide, source + c);
            lanes.Store(relu ? lanes.Relu(v) : v, ref target, destination + c);
        }

        for (; c < columns; c++)
        {
            float v = global::System.Runtime.CompilerServices.Unsafe.Add(ref wide, source + c);
            global::System.Runtime.CompilerServices.Unsafe.Add(ref target, destination + c) = relu ? Relu(v) : v;
        }
    }
}

/// <summary>
/// <paramref name="x"/> through Relu, or else through Clip(<paramref name="min"/>, <paramref name="max"/>), into
/// <paramref name="y"/> (the same span for in place), with the reference's float semantics.
/// </summary>
[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
private static void ActivateLanes<V, TLanes>(global::System.ReadOnlySpan<float> x, global::System.Span<float> y, bool relu, float min, float max) where V : struct where TLanes : struct, ILanes<V>
{
    TLanes lanes = default;
    ref float source = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
    ref float target = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
    V low = lanes.Splat(min), high = lanes.Splat(max);
    int i = 0;
    for (; i <= y.Length - lanes.Count; i += lanes.Count)
    {
        V v = lanes.Load(ref source, i);
        lanes.Store(relu ? lanes.Relu(v) : lanes.Clip(v, low, high), ref target, i);
    }

    for (; i < y.Length; i++)
    {
        float v = global::System.Runtime.CompilerServices.Unsafe.Add(ref source, i);
        global::System.Runtime.CompilerServices.Unsafe.Add(ref target, i) = relu ? Relu(v) : v < min ? min : v > max ? max : v;
    }
}

/// <summary>
/// The 2×2 max pool of Count windows: the top row's pairs in <paramref name="top0"/> ‖ <paramref name="top1"/>, the bottom
/// row's in <paramref name="bottom0"/> ‖ <paramref name="bottom1"/>, through Relu if asked. The max keeps a NaN whichever
/// element holds it, so any order is the reference's: rows first, then pairs (two shuffles), and Relu once on the max,
/// which max(0, ·) over the window's values equals.
/// </summary>
[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
private static V PoolWindows<V, TLanes>(V top0, V top1, V bottom0, V bottom1, bool relu) where V : struct where TLanes : struct, ILanes<V>
{
    TLanes lanes = default;
    V left = lanes.MaxOf(top0, bottom0), right = lanes.MaxOf(top1, bottom1);
    V max = lanes.MaxOf(lanes.Even(left, right), lanes.Odd(left, right));
    return relu ? lanes.Relu(max) : max;
}

/// <summary>
/// Writes a 2×2, stride-2 max pool of one channel's wide plane (rows of <paramref name="wideRowLength"/>, the extra
/// columns garbage) to <paramref name="y"/> at <paramref name="offset"/>: pooledRows × pooledColumns outputs, each
/// window through Relu if asked (a NaN in a window makes its output NaN). Outputs are written in
/// ascending order, so a vector's spill past a row is overwritten later (or by the next channel, in the same task);
/// nothing is read past <paramref name="wideLength"/> (the kernels leave two vectors of slack past the wide plane, so
/// that the last pooled row runs in lanes too) or written at or past <paramref name="limit"/>: a vector that would
/// cross it has only its valid outputs copied, lane by lane. Inlined into each channel's loop (no stackalloc, which
/// would stop that): the call cost about a tenth of conv1's time on the Fashion-MNIST CNNs.
/// </summary>
[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining | global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
private static void StorePooledRows<V, TLanes>(ref float wide, int wideLength, global::System.Span<float> y, int offset, int pooledRows, int pooledColumns, int wideRowLength, bool relu, int limit) where V : struct where TLanes : struct, ILanes<V>
{
    TLanes lanes = default;
    int count = lanes.Count;
    ref float target = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
    for (int py = 0; py < pooledRows; py++)
    {
        int top = 2 * py * wideRowLength, bottom = top + wideRowLength, o = offset + py * pooledColumns, px = 0;
        if (count > 1)
        {
            for (; px < pooledColumns && bottom + 2 * (px + count) <= wideLength; px += count)
            {
                V top0 = lanes.Load(ref wide, top + 2 * px), top1 = lanes.Load(ref wide, top + 2 * px + count);
                V bottom0 = lanes.Load(ref wide, bottom + 2 * px), bottom1 = lanes.Load(ref wide, bottom + 2 * px + count);
                V max = PoolWindows<V, TLanes>(top0, top1, bottom0, bottom1, relu);

                if (o + px + count <= limit)
                {
                    lanes.Store(max, ref target, o + px);
                }
                else
                {
                    // A copy of its own takes the address, so that max itself stays in a register.
                    V spill = max;
                    for (int k = 0, n = global::System.Math.Min(count, pooledColumns - px); k < n; k++)
                    {
                        global::System.Runtime.CompilerServices.Unsafe.Add(ref target, o + px + k) = global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.CompilerServices.Unsafe.As<V, float>(ref spill), k);
                    }
                }
            }
        }

        for (; px < pooledColumns; px++)
        {
            float max = MaxStep(MaxStep(global::System.Runtime.CompilerServices.Unsafe.Add(ref wide, top + 2 * px), global::System.Runtime.CompilerServices.Unsafe.Add(ref wide, top + 2 * px + 1)), MaxStep(global::System.Runtime.CompilerServices.Unsafe.Add(ref wide, bottom + 2 * px), global::System.Runtime.CompilerServices.Unsafe.Add(ref wide, bottom + 2 * px + 1)));
            global::System.Runtime.CompilerServices.Unsafe.Add(ref target, o + px) = relu ? Relu(max) : max;
        }
    }
}

/// <summary>
/// Stores the first <paramref name="count"/> lanes of <paramref name="value"/>, fewer than a vector, one at a time: the
/// last pooled vector of a task's last channel, whose other lanes would cross into the next task's plane.
/// </summary>
[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
private static void StoreFirst<V>(V value, ref float destination, int offset, int count) where V : struct
{
    for (int k = 0; k < count; k++)
    {
        global::System.Runtime.CompilerServices.Unsafe.Add(ref destination, offset + k) = global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.CompilerServices.Unsafe.As<V, float>(ref value), k);
    }
}

/// <summary>
/// 2×2, stride-2 max pooling of [channels × height × width] into [channels × height/2 × width/2], each
/// window NaN where any of its elements is (the reference's rule). Vectors read two
/// rows' worth of pairs and split them into even and odd lanes; outputs are written in ascending order,
/// so a vector's spill past a row is overwritten later.
/// </summary>
[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
private static void MaxPool2x2<V, TLanes>(global::System.ReadOnlySpan<float> x, global::System.Span<float> y, int channels, int height, int width) where V : struct where TLanes : struct, ILanes<V>
{
    TLanes lanes = default;
    int count = lanes.Count, outHeight = height / 2, outWidth = width / 2;
    ref float source = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
    ref float target = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
    for (int c = 0; c < channels; c++)
    {
        for (int oy = 0; oy < outHeight; oy++)
        {
            int top = (c * height + 2 * oy) * width, bottom = top + width, o = (c * outHeight + oy) * outWidth, ox = 0;
            if (count > 1)
            {
                for (; ox < outWidth && o + ox + count <= y.Length && bottom + 2 * (ox + count) <= x.Length; ox += count)
                {
                    V top0 = lanes.Load(ref source, top + 2 * ox), top1 = lanes.Load(ref source, top + 2 * ox + count);
                    V bottom0 = lanes.Load(ref source, bottom + 2 * ox), bottom1 = lanes.Load(ref source, bottom + 2 * ox + count);
                    lanes.Store(PoolWindows<V, TLanes>(top0, top1, bottom0, bottom1, relu: false), ref target, o + ox);
                }
            }

            for (; ox < outWidth; ox++)
            {
                global::System.Runtime.CompilerServices.Unsafe.Add(ref target, o + ox) = MaxStep(MaxStep(global::System.Runtime.CompilerServices.Unsafe.Add(ref source, top + 2 * ox), global::System.Runtime.CompilerServices.Unsafe.Add(ref source, top + 2 * ox + 1)), MaxStep(global::System.Runtime.CompilerServices.Unsafe.Add(ref source, bottom + 2 * ox), global::System.Runtime.CompilerServices.Unsafe.Add(ref source, bottom + 2 * ox + 1)));
            }
        }
    }
}
""";
}
