using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SparseGen.Kernels;

/// <summary>
/// One SIMD width: generated kernels are generic over it (<c>TLanes : struct, ILanes&lt;TVector&gt;</c>), so the JIT compiles
/// one copy per width and inlines every member to an instruction or two. <see cref="Lanes512"/>, <see cref="Lanes256"/>,
/// <see cref="Lanes128"/> and <see cref="Lanes1"/> implement it; the generated <c>Run</c> picks the widest the CPU
/// accelerates. For generated code: not a stable API.
/// </summary>
/// <typeparam name="TVector">The vector type: <c>Vector512&lt;float&gt;</c> … <c>float</c>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ILanes<TVector> where TVector : struct
{
    /// <summary>Floats in one vector.</summary>
    int Count { get; }
    /// <summary>Whether the CPU has 32 vector registers of this width (AVX-512, Arm64), room for tiles of 28 accumulators.</summary>
    bool HasThirtyTwoRegisters { get; }
    /// <summary>Every lane <paramref name="value"/>.</summary>
    TVector Splat(float value);
    /// <summary>The vector at <paramref name="offset"/> floats past <paramref name="source"/>, unaligned.</summary>
    TVector Load(ref float source, int offset);
    /// <summary>
    /// Vector <paramref name="k"/> of the aligned vectors that cover the run of lanes starting <paramref name="residue"/>
    /// (0–15) floats past <paramref name="source"/>, a 64-byte boundary: loads that never split a cache line. The default
    /// where <see cref="Realign"/> loads the run itself.
    /// </summary>
    TVector LoadCovering(ref float source, int residue, int k);
    /// <summary>
    /// Vector <paramref name="k"/> of that run: lanes (residue mod Count) onward of <paramref name="low"/> ‖
    /// <paramref name="high"/>, the covering vectors k and k + 1, shifted in registers; or an unaligned load where this
    /// width has no one-instruction shift across the whole vector. <paramref name="residue"/> must be a constant.
    /// </summary>
    TVector Realign(TVector low, TVector high, ref float source, int residue, int k);
    /// <summary>Stores <paramref name="value"/> at <paramref name="offset"/> floats past <paramref name="destination"/>, unaligned.</summary>
    void Store(TVector value, ref float destination, int offset);
    /// <summary>left · right + addend, rounded once where the CPU fuses it.</summary>
    TVector MultiplyAdd(TVector left, TVector right, TVector addend);
    /// <summary>left + right per lane, rounded as a scalar float sum is.</summary>
    TVector Add(TVector left, TVector right);
    /// <summary>left · right per lane, rounded as a scalar float product is.</summary>
    TVector Multiply(TVector left, TVector right);
    /// <summary>
    /// v &lt; 0 ? 0 : v per lane, as the reference's Relu: a NaN stays NaN. On x86 one <c>maxps</c> with the zero first:
    /// it returns its second operand unless the first is greater, a NaN included; on Arm64 <c>fmax</c>, which keeps a NaN.
    /// </summary>
    TVector Relu(TVector value);
    /// <summary>v &lt; min ? min : v &gt; max ? max : v per lane, as the reference's Clip (a NaN stays).</summary>
    TVector Clip(TVector value, TVector min, TVector max);
    /// <summary>
    /// The larger of the two per lane, NaN where either is NaN: the reference's max step, the same in any order. On x86
    /// <c>maxps(candidate, current)</c> keeps a NaN current, and or-ing in <c>cmpunordps(candidate, candidate)</c> a NaN
    /// candidate; on Arm64 one <c>fmax</c>.
    /// </summary>
    TVector MaxOf(TVector current, TVector candidate);
    /// <summary>The even lanes of low ‖ high.</summary>
    TVector Even(TVector low, TVector high);
    /// <summary>The odd lanes of low ‖ high.</summary>
    TVector Odd(TVector low, TVector high);
    /// <summary><paramref name="value"/> with its lanes from <paramref name="count"/> on made +0 (every lane kept when count ≥ Count).</summary>
    TVector KeepFirst(TVector value, int count);
}
