using System;
using System.Linq;

namespace SparseGen.Model.Graph;

/// <summary>Per-sample output shapes of IR operations, with every precondition checked.</summary>
public static class ShapeInference
{
    public static int ElementCount(int[] shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            count *= dim;
        }

        return checked((int)count);
    }

    public static string Format(int[] shape) => "[" + string.Join("×", shape) + "]";

    /// <summary>Fails when one sample of a value would exceed <see cref="ModelLimits.MaxActivationElements"/>.</summary>
    public static void CheckActivationSize(string value, int[] shape, string? node = null)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim <= 0)
            {
                throw new ModelException(
                    ModelErrorCode.ShapeMismatch,
                    $"value '{value}' would have shape {Format(shape)}, with an empty or negative dimension",
                    node ?? value,
                    "Check the input size the model expects and the op's kernel, stride and padding.");
            }

            count *= dim;
            if (count > ModelLimits.MaxActivationElements)
            {
                throw new ModelException(
                    ModelErrorCode.LimitExceeded,
                    $"value '{value}' would hold more than {ModelLimits.MaxActivationElements:N0} elements per sample (ModelLimits.MaxActivationElements)",
                    node ?? value,
                    "Models compiled into code must be far smaller; check the input shape.");
            }
        }
    }

    public static int[] OutputShape(Operation op, Func<string, int[]> shapeOf) => op switch
    {
        ConvOperation conv => Conv(conv, shapeOf(conv.Input)),
        DenseOperation dense => Dense(dense, shapeOf(dense.Input)),
        AddOperation add => Add(add, shapeOf(add.Left), shapeOf(add.Right)),
        AddConstantOperation addConstant => AddConstant(addConstant, shapeOf(addConstant.Input)),
        ActivationOperation activation => shapeOf(activation.Input),
        SoftmaxOperation softmax => Softmax(softmax, shapeOf(softmax.Input)),
        PoolOperation pool => Pool(pool, shapeOf(pool.Input)),
        GlobalAveragePoolOperation global => GlobalAveragePool(global, shapeOf(global.Input)),
        ReshapeOperation reshape => Reshape(reshape, shapeOf(reshape.Input)),
        BatchNormOperation batchNorm => BatchNorm(batchNorm, shapeOf(batchNorm.Input)),
        _ => throw new ModelException(ModelErrorCode.UnsupportedOp, $"operation {op.GetType().Name} has no shape rule", op.Name),
    };

    /// <summary>Output length of a sliding window along one axis, the ONNX/PyTorch rule including ceil mode.</summary>
    public static int WindowOutputLength(int input, int kernel, int stride, int padBegin, int padEnd, int dilation, bool ceilMode)
    {
        var span = (long)dilation * (kernel - 1) + 1;
        var numerator = (long)input + padBegin + padEnd - span;
        if (numerator < 0)
        {
            return 0;
        }

        var length = (ceilMode ? (numerator + stride - 1) / stride : numerator / stride) + 1;
        // In ceil mode the last window must start inside the input or its leading padding.
        if (ceilMode && (length - 1) * stride >= input + padBegin)
        {
            length--;
        }

        return (int)length;
    }

    private static int[] Conv(ConvOperation conv, int[] input)
    {
        RequireRank(conv, input, 3, "[C, H, W]");
        if (conv.Weight.Rank != 4)
        {
            throw Mismatch(conv, $"weight has shape {conv.Weight}, expected [M, C/group, kH, kW]");
        }

        if (conv.Group <= 0 || conv.OutputChannels % conv.Group != 0)
        {
            throw Mismatch(conv, $"{conv.OutputChannels} output channels cannot be split into {conv.Group} groups");
        }

        if (input[0] != conv.InputChannelsPerGroup * conv.Group)
        {
            throw Mismatch(conv, $"input has {input[0]} channels but the weight {conv.Weight} with group {conv.Group} expects {conv.InputChannelsPerGroup * conv.Group}");
        }

        if (conv.Bias is not null && conv.Bias.Length != conv.OutputChannels)
        {
            throw Mismatch(conv, $"bias has {conv.Bias.Length} elements, expected {conv.OutputChannels}");
        }

        CheckWindow(conv, new[] { conv.KernelHeight, conv.KernelWidth }, conv.Strides, conv.Pads, conv.Dilations);
        var height = WindowOutputLength(input[1], conv.KernelHeight, conv.Strides[0], conv.Pads[0], conv.Pads[2], conv.Dilations[0], false);
        var width = WindowOutputLength(input[2], conv.KernelWidth, conv.Strides[1], conv.Pads[1], conv.Pads[3], conv.Dilations[1], false);
        return RequirePositive(conv, new[] { conv.OutputChannels, height, width }, input);
    }

    private static int[] Dense(DenseOperation dense, int[] input)
    {
        if (input.Length == 0)
        {
            throw Mismatch(dense, "input has no features axis");
        }

        if (dense.Weight.Rank != 2)
        {
            throw Mismatch(dense, $"weight has shape {dense.Weight}, expected [M, K]");
        }

        if (input[input.Length - 1] != dense.InputFeatures)
        {
            throw Mismatch(dense, $"input {Format(input)} has {input[input.Length - 1]} features on its last axis but the weight {dense.Weight} expects {dense.InputFeatures}");
        }

        if (dense.Bias is not null && dense.Bias.Length != dense.OutputFeatures)
        {
            throw Mismatch(dense, $"bias has {dense.Bias.Length} elements, expected {dense.OutputFeatures}");
        }

        var output = (int[])input.Clone();
        output[output.Length - 1] = dense.OutputFeatures;
        return output;
    }

    private static int[] Add(AddOperation add, int[] left, int[] right)
    {
        if (!left.SequenceEqual(right))
        {
            throw Mismatch(add, $"adds {Format(left)} to {Format(right)}; residual adds need equal shapes");
        }

        return left;
    }

    private static int[] AddConstant(AddConstantOperation add, int[] input)
    {
        if (!add.Constant.Shape.SequenceEqual(input))
        {
            throw Mismatch(add, $"constant {add.Constant} is not broadcast to the input shape {Format(input)}");
        }

        return input;
    }

    private static int[] Softmax(SoftmaxOperation softmax, int[] input)
    {
        if (softmax.Axis < 1 || softmax.Axis > input.Length)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                $"Softmax '{softmax.Name}' normalises over axis {softmax.Axis} of a rank-{input.Length + 1} tensor; only per-sample axes (1 to {input.Length}) are supported",
                softmax.Name,
                "Softmax across the batch is not meaningful for inference; export with dim=-1.");
        }

        return input;
    }

    private static int[] Pool(PoolOperation pool, int[] input)
    {
        RequireRank(pool, input, 3, "[C, H, W]");
        CheckWindow(pool, pool.Kernel, pool.Strides, pool.Pads, pool.Dilations);
        if (pool.Pads[0] >= pool.Kernel[0] || pool.Pads[2] >= pool.Kernel[0] || pool.Pads[1] >= pool.Kernel[1] || pool.Pads[3] >= pool.Kernel[1])
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                $"{pool.Describe()} pads [{string.Join(", ", pool.Pads)}] as much as its kernel [{string.Join(", ", pool.Kernel)}]; windows would see only padding",
                pool.Name,
                "Padding must be smaller than the kernel (PyTorch requires at most half of it).");
        }

        var height = WindowOutputLength(input[1], pool.Kernel[0], pool.Strides[0], pool.Pads[0], pool.Pads[2], pool.Dilations[0], pool.CeilMode);
        var width = WindowOutputLength(input[2], pool.Kernel[1], pool.Strides[1], pool.Pads[1], pool.Pads[3], pool.Dilations[1], pool.CeilMode);
        return RequirePositive(pool, new[] { input[0], height, width }, input);
    }

    private static int[] GlobalAveragePool(GlobalAveragePoolOperation pool, int[] input)
    {
        RequireRank(pool, input, 3, "[C, H, W]");
        return pool.KeepDims ? new[] { input[0], 1, 1 } : new[] { input[0] };
    }

    private static int[] Reshape(ReshapeOperation reshape, int[] input)
    {
        var total = ElementCount(input);
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < reshape.TargetShape.Length; i++)
        {
            var dim = reshape.TargetShape[i];
            if (dim == -1 && inferred < 0)
            {
                inferred = i;
            }
            else if (dim <= 0)
            {
                throw Mismatch(reshape, $"target shape [{string.Join(", ", reshape.TargetShape)}] has a dimension {dim} SparseGen cannot resolve");
            }
            else
            {
                known *= dim;
            }
        }

        var output = (int[])reshape.TargetShape.Clone();
        if (inferred >= 0)
        {
            if (known == 0 || total % known != 0)
            {
                throw Mismatch(reshape, $"cannot reshape {Format(input)} ({total} elements) to [{string.Join(", ", reshape.TargetShape)}]");
            }

            output[inferred] = (int)(total / known);
        }
        else if (known != total)
        {
            throw Mismatch(reshape, $"cannot reshape {Format(input)} ({total} elements) to {Format(output)} ({known} elements)");
        }

        return output;
    }

    private static int[] BatchNorm(BatchNormOperation batchNorm, int[] input)
    {
        if (input.Length == 0 || input[0] != batchNorm.Channels)
        {
            throw Mismatch(batchNorm, $"input {Format(input)} does not have {batchNorm.Channels} channels on axis 1");
        }

        if (batchNorm.Bias.Length != batchNorm.Channels || batchNorm.Mean.Length != batchNorm.Channels || batchNorm.Variance.Length != batchNorm.Channels)
        {
            throw Mismatch(batchNorm, "scale, bias, mean and variance differ in length");
        }

        return input;
    }

    private static void CheckWindow(Operation op, int[] kernel, int[] strides, int[] pads, int[] dilations)
    {
        if (kernel.Length != 2 || strides.Length != 2 || pads.Length != 4 || dilations.Length != 2)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                $"{op.Describe()} is not two-dimensional (kernel {kernel.Length}-D, strides {strides.Length}, pads {pads.Length}, dilations {dilations.Length})",
                op.Name,
                "SparseGen supports 2-D convolution and pooling over [N, C, H, W].");
        }

        foreach (var (values, what, min) in new[] { (kernel, "kernel", 1), (strides, "strides", 1), (dilations, "dilations", 1), (pads, "pads", 0) })
        {
            if (values.Any(v => v < min || v > ModelLimits.MaxWindow))
            {
                throw new ModelException(
                    ModelErrorCode.UnsupportedAttribute,
                    $"{op.Describe()} has {what} [{string.Join(", ", values)}]; each must be between {min} and {ModelLimits.MaxWindow} (ModelLimits.MaxWindow)",
                    op.Name,
                    "Check the exported attributes.");
            }
        }
    }

    private static void RequireRank(Operation op, int[] input, int rank, string expected)
    {
        if (input.Length != rank)
        {
            throw Mismatch(op, $"input has per-sample shape {Format(input)}, expected {expected}");
        }
    }

    private static int[] RequirePositive(Operation op, int[] output, int[] input)
    {
        if (output.Any(d => d <= 0))
        {
            throw Mismatch(op, $"input {Format(input)} is too small for the window: the output would be {Format(output)}");
        }

        return output;
    }

    private static ModelException Mismatch(Operation op, string message) => new(
        ModelErrorCode.ShapeMismatch,
        $"{op.Describe()}: {message}",
        op.Name,
        "Check that the model was exported for this input size and that its weights match its layers.");
}
