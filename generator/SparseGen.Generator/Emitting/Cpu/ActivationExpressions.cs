using System;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>The C# of an activation, with the same float semantics as <see cref="Activation.Apply"/>.</summary>
internal static class ActivationExpressions
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
                return RuntimeNames.Scalar + "Relu(" + value + ")";
            case ActivationKind.Clip:
                return RuntimeNames.Scalar + "Clip(" + value + ", " + Literals.Float(activation.Min) + ", " + Literals.Float(activation.Max) + ")";
            case ActivationKind.Sigmoid:
                return RuntimeNames.Scalar + "Sigmoid(" + value + ")";
            case ActivationKind.Tanh:
                return "global::System.MathF.Tanh(" + value + ")";
            default:
                throw new InvalidOperationException($"no code for activation {activation.Kind}");
        }
    }
}
