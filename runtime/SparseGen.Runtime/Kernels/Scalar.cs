using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SparseGen.Kernels;

/// <summary>
/// One-float steps of the generated code, with the reference evaluator's float semantics: NaN stays NaN through every
/// one of them. For generated code: not a stable API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Scalar
{
    /// <summary>v &lt; 0 ? 0 : v, the reference's Relu: a NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float v) => v < 0f ? 0f : v;

    /// <summary>v &lt; min ? min : v &gt; max ? max : v, the reference's Clip: a NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Clip(float v, float min, float max) => v < min ? min : v > max ? max : v;

    /// <summary>1 / (1 + e^−v).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));

    /// <summary>
    /// The larger of the two, NaN where either is NaN: the reference's max step, so a window's max is the same in any
    /// order. Without a branch to mispredict on x86 (MAXSS gives its second operand where either is NaN, and the or adds
    /// a NaN candidate) and on Arm64 (FMAX keeps a NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxStep(float current, float candidate)
    {
        if (Sse.IsSupported)
        {
            var c = Vector128.CreateScalarUnsafe(candidate);
            return Sse.Or(Sse.MaxScalar(c, Vector128.CreateScalarUnsafe(current)), Sse.CompareScalarUnordered(c, c)).ToScalar();
        }

        if (AdvSimd.IsSupported)
        {
            return AdvSimd.Max(Vector64.CreateScalarUnsafe(current), Vector64.CreateScalarUnsafe(candidate)).ToScalar();
        }

        return candidate > current || float.IsNaN(candidate) ? candidate : current;
    }

    /// <summary>
    /// The sum of <paramref name="values"/> in double, in two vectors of double partial sums (a different order from a
    /// running sum: the float it rounds to is the same but where the double lands within a rounding step of a tie).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumInDouble(ReadOnlySpan<float> values)
    {
        ref float source = ref MemoryMarshal.GetReference(values);
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var low = Vector<double>.Zero;
            var high = Vector<double>.Zero;
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref source, (nuint)i), out var first, out var second);
                low += first;
                high += second;
            }

            sum = Vector.Sum(low + high);
        }

        for (; i < values.Length; i++)
        {
            sum += Unsafe.Add(ref source, i);
        }

        return sum;
    }
}
