using System;
using System.Globalization;

namespace SparseGen.Model.Graph;

public enum ActivationKind
{
    None,
    Relu,
    Clip,
    Sigmoid,
    Tanh,
}

/// <summary>An elementwise activation, standalone or fused into the op that produces its input.</summary>
public readonly record struct Activation(ActivationKind Kind, float Min = float.NegativeInfinity, float Max = float.PositiveInfinity)
{
    public static Activation None => new(ActivationKind.None);

    public static Activation Relu => new(ActivationKind.Relu);

    public static Activation Sigmoid => new(ActivationKind.Sigmoid);

    public static Activation Tanh => new(ActivationKind.Tanh);

    public static Activation Clip(float min, float max) => new(ActivationKind.Clip, min, max);

    /// <summary>
    /// The activation in float32, as ONNX Runtime computes it: a NaN stays NaN through every kind (Relu and Clip
    /// included), and ±∞ go where IEEE arithmetic takes them.
    /// </summary>
    public float Apply(float x) => Kind switch
    {
        ActivationKind.None => x,
        ActivationKind.Relu => x < 0f ? 0f : x,
        ActivationKind.Clip => x < Min ? Min : x > Max ? Max : x,
        ActivationKind.Sigmoid => (float)(1.0 / (1.0 + Math.Exp(-x))),
        ActivationKind.Tanh => (float)Math.Tanh(x),
        _ => throw new InvalidOperationException($"unknown activation {Kind}"),
    };

    /// <summary>True when f(0) = 0, so a channel that is zero stays zero through it.</summary>
    public bool KeepsZero => Apply(0f) == 0f;

    /// <summary>Bounds matter only for Clip, so <c>default(Activation)</c> equals <see cref="None"/>.</summary>
    public bool Equals(Activation other) =>
        Kind == other.Kind && (Kind != ActivationKind.Clip || (Min.Equals(other.Min) && Max.Equals(other.Max)));

    public override int GetHashCode() =>
        Kind == ActivationKind.Clip ? ((int)Kind * 397) ^ Min.GetHashCode() ^ (Max.GetHashCode() * 31) : (int)Kind;

    public override string ToString() => Kind switch
    {
        ActivationKind.Clip => string.Format(CultureInfo.InvariantCulture, "Clip({0}, {1})", Min, Max),
        _ => Kind.ToString(),
    };
}
