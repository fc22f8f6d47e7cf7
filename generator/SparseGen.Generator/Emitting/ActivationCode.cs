using System;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting;

/// <summary>The C# of an activation, with the same float semantics as <see cref="Activation.Apply"/>.</summary>
internal static class ActivationCode
{
    /// <summary>
    /// <paramref name="value"/> passed through <paramref name="activation"/>; <paramref name="kernels"/>
    /// learns which helper methods the class needs.
    /// </summary>
    public static string Apply(Activation activation, string value, KernelClassBuilder kernels)
    {
        switch (activation.Kind)
        {
            case ActivationKind.None:
                return value;
            case ActivationKind.Relu:
                return LanesCode.Scalar + "Relu(" + value + ")";
            case ActivationKind.Clip:
                return LanesCode.Scalar + "Clip(" + value + ", " + Literals.Float(activation.Min) + ", " + Literals.Float(activation.Max) + ")";
            case ActivationKind.Sigmoid:
                return LanesCode.Scalar + "Sigmoid(" + value + ")";
            case ActivationKind.Tanh:
                return "global::System.MathF.Tanh(" + value + ")";
            default:
                throw new InvalidOperationException($"no code for activation {activation.Kind}");
        }
    }
}
