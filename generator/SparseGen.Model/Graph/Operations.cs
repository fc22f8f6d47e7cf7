using System.Collections.Generic;
using System.Linq;

namespace SparseGen.Model.Graph;

// The operations of the IR. Every activation value carries a leading batch dimension that stays
// symbolic; shapes in the IR are per sample (the dimensions after the batch). Weights are constants
// inside the operation that uses them, already in the layout the op computes with.

/// <summary>An operation of the graph: reads activation values by name and writes one.</summary>
public abstract record Operation(string Name, string Output)
{
    /// <summary>The activation values this op reads, in order.</summary>
    public abstract IReadOnlyList<string> Inputs { get; }

    /// <summary>The ONNX-style name of the operation, for tables and headers.</summary>
    public abstract string OpType { get; }
}

/// <summary>2-D convolution over [C, H, W]: weight [M, C/group, kH, kW], pads [top, left, bottom, right].</summary>
public sealed record ConvOperation(
    string Name,
    string Input,
    string Output,
    Tensor Weight,
    float[]? Bias,
    int Group,
    int[] Strides,
    int[] Pads,
    int[] Dilations,
    Activation Activation) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Input };

    public override string OpType => "Conv";

    public int OutputChannels => Weight.Shape[0];

    public int InputChannelsPerGroup => Weight.Shape[1];

    public int KernelHeight => Weight.Shape[2];

    public int KernelWidth => Weight.Shape[3];

    public bool IsDepthwise => Group > 1 && InputChannelsPerGroup == 1 && OutputChannels == Group;
}

/// <summary>A fully connected layer over the last axis: y = x·Wᵀ + b, weight [M, K] (one row per output).</summary>
public sealed record DenseOperation(
    string Name,
    string Input,
    string Output,
    Tensor Weight,
    float[]? Bias,
    Activation Activation) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Input };

    public override string OpType => "Dense";

    public int OutputFeatures => Weight.Shape[0];

    public int InputFeatures => Weight.Shape[1];
}

/// <summary>Elementwise sum of two activations of one shape (a residual connection).</summary>
public sealed record AddOperation(string Name, string Left, string Right, string Output, Activation Activation) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Left, Right };

    public override string OpType => "Add";
}

/// <summary>An activation plus a constant, the constant already broadcast to the per-sample shape.</summary>
public sealed record AddConstantOperation(string Name, string Input, string Output, Tensor Constant) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Input };

    public override string OpType => "AddConstant";
}

/// <summary>A standalone elementwise activation.</summary>
public sealed record ActivationOperation(string Name, string Input, string Output, Activation Activation) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Input };

    public override string OpType => Activation.Kind.ToString();
}

/// <summary>
/// Softmax. <see cref="Axis"/> counts the batch dimension (1 is the first per-sample axis). With
/// <see cref="CoerceTo2D"/> (opset below 13) it normalises over all axes from <see cref="Axis"/> on.
/// </summary>
public sealed record SoftmaxOperation(string Name, string Input, string Output, int Axis, bool CoerceTo2D) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Input };

    public override string OpType => "Softmax";
}

public enum PoolKind
{
    Max,
    Average,
}

/// <summary>2-D max or average pooling over [C, H, W]; pads [top, left, bottom, right].</summary>
public sealed record PoolOperation(
    string Name,
    string Input,
    string Output,
    PoolKind Kind,
    int[] Kernel,
    int[] Strides,
    int[] Pads,
    int[] Dilations,
    bool CeilMode,
    bool CountIncludePad) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Input };

    public override string OpType => Kind == PoolKind.Max ? "MaxPool" : "AveragePool";
}

/// <summary>Mean over H and W of [C, H, W]: to [C, 1, 1] with <see cref="KeepDims"/>, else to [C].</summary>
public sealed record GlobalAveragePoolOperation(string Name, string Input, string Output, bool KeepDims) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Input };

    public override string OpType => "GlobalAveragePool";
}

/// <summary>
/// A new per-sample shape over the same row-major data (Flatten, Reshape). <see cref="TargetShape"/>
/// may hold one -1, inferred from the element count; Flatten from axis 1 is the target [-1].
/// </summary>
public sealed record ReshapeOperation(string Name, string Input, string Output, int[] TargetShape) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Input };

    public override string OpType => "Reshape";

    /// <summary>True when the target is "all features in one axis", which keeps channel blocks contiguous.</summary>
    public bool IsFlatten => TargetShape.Length == 1 && TargetShape[0] == -1;
}

/// <summary>BatchNormalization in inference mode over channel axis 1: y = (x − mean)/√(var + ε)·scale + bias.</summary>
public sealed record BatchNormOperation(
    string Name,
    string Input,
    string Output,
    float[] Scale,
    float[] Bias,
    float[] Mean,
    float[] Variance,
    float Epsilon) : Operation(Name, Output)
{
    public override IReadOnlyList<string> Inputs => new[] { Input };

    public override string OpType => "BatchNormalization";

    public int Channels => Scale.Length;
}

internal static class OperationExtensions
{
    public static string Describe(this Operation op) => $"{op.OpType} '{op.Name}'";

    public static IEnumerable<string> AllValues(this Operation op) => op.Inputs.Append(op.Output);
}
