using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Passes;

/// <summary>
/// Folds an inference-mode BatchNormalization into the Conv or Dense that produces its input, so the
/// normalisation costs nothing at run time.
/// </summary>
/// <remarks>
/// BN computes y = (x − mean)·s + beta with s = scale/√(var + ε), per channel. When x = W·in + b comes
/// straight from a Conv or Dense with no activation and nothing else reads x, then
/// y = (s·W)·in + ((b − mean)·s + beta): the same function with scaled weights and a new bias, exact up to
/// float rounding. A Dense is folded only when its output is one vector per sample ([M]), because BN
/// normalises axis 1 (the first per-sample axis), which is then the feature axis.
/// </remarks>
public static class BatchNormFolding
{
    public static ModelGraph Apply(ModelGraph graph)
    {
        var operations = graph.Operations.ToList();
        var folded = false;
        for (var index = 0; index < operations.Count; index++)
        {
            if (operations[index] is not BatchNormOperation batchNorm)
            {
                continue;
            }

            var producerIndex = operations.FindIndex(op => op.Output == batchNorm.Input);
            if (producerIndex < 0 || !IsSoleReader(operations, graph.OutputName, batchNorm.Input, batchNorm))
            {
                continue;
            }

            Operation? replacement = operations[producerIndex] switch
            {
                ConvOperation conv when conv.Activation.Kind == ActivationKind.None => FoldIntoConv(conv, batchNorm),
                DenseOperation dense when dense.Activation.Kind == ActivationKind.None && graph.ShapeOf(dense.Output).Length == 1 => FoldIntoDense(dense, batchNorm),
                _ => null,
            };

            if (replacement is null)
            {
                continue;
            }

            operations[producerIndex] = replacement;
            operations.RemoveAt(index);
            index--;
            folded = true;
        }

        return folded ? graph.WithOperations(operations) : graph;
    }

    private static bool IsSoleReader(List<Operation> operations, string graphOutput, string value, Operation reader) =>
        value != graphOutput && operations.All(op => ReferenceEquals(op, reader) || !op.Inputs.Contains(value));

    private static ConvOperation FoldIntoConv(ConvOperation conv, BatchNormOperation batchNorm)
    {
        var (weight, bias) = Fold(conv.Weight, conv.Bias, batchNorm);
        return conv with { Output = batchNorm.Output, Weight = weight, Bias = bias };
    }

    private static DenseOperation FoldIntoDense(DenseOperation dense, BatchNormOperation batchNorm)
    {
        var (weight, bias) = Fold(dense.Weight, dense.Bias, batchNorm);
        return dense with { Output = batchNorm.Output, Weight = weight, Bias = bias };
    }

    /// <summary>Scales each output row of <paramref name="weight"/> (axis 0) and rewrites the bias, in double.</summary>
    private static (Tensor Weight, float[] Bias) Fold(Tensor weight, float[]? bias, BatchNormOperation batchNorm)
    {
        var channels = weight.Shape[0];
        var rowLength = weight.ElementCount / channels;
        var data = new float[weight.ElementCount];
        var newBias = new float[channels];
        for (var channel = 0; channel < channels; channel++)
        {
            var factor = batchNorm.Scale[channel] / Math.Sqrt((double)batchNorm.Variance[channel] + batchNorm.Epsilon);
            for (var i = channel * rowLength; i < (channel + 1) * rowLength; i++)
            {
                data[i] = (float)(weight.Data[i] * factor);
            }

            var oldBias = bias is null ? 0.0 : bias[channel];
            newBias[channel] = (float)(((oldBias - batchNorm.Mean[channel]) * factor) + batchNorm.Bias[channel]);
        }

        return (new Tensor((int[])weight.Shape.Clone(), data), newBias);
    }
}
