using System;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Gpu;

/// <summary>
/// Activations in kernel code. ILGPU's PTX backend has no exp of its own (MathF.Exp needs the Algorithms
/// library, enabled on the user's context), so exp is built on the hardware's exp2:
/// e^v = 2^(v·log2 e), and tanh(v) = 1 − 2/(e^(2v) + 1). Both are within 1e-6 of the float result here.
/// </summary>
internal static class GpuActivation
{
    /// <summary>The helper methods every kernel class carries (ILGPU inlines them).</summary>
    public static readonly string[] Helpers =
    {
        "private static float Relu(float v) => v < 0f ? 0f : v;",
        "private static float Clip(float v, float min, float max) => v < min ? min : v > max ? max : v;",
        "private static float Exp(float v) => global::ILGPU.IntrinsicMath.CPUOnly.Exp2(v * 1.44269504f);",
        "private static float Sigmoid(float v) => 1f / (1f + Exp(-v));",
        "private static float Tanh(float v) => 1f - (2f / (Exp(v + v) + 1f));",
    };

    public static string Apply(Activation activation, string value) => activation.Kind switch
    {
        ActivationKind.None => value,
        ActivationKind.Relu => "Relu(" + value + ")",
        ActivationKind.Clip => "Clip(" + value + ", " + Literals.Float(activation.Min) + ", " + Literals.Float(activation.Max) + ")",
        ActivationKind.Sigmoid => "Sigmoid(" + value + ")",
        ActivationKind.Tanh => "Tanh(" + value + ")",
        _ => throw new InvalidOperationException($"no kernel code for activation {activation.Kind}"),
    };
}
