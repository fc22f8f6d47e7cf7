using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Passes;

/// <summary>
/// Moves work into the op that produces its input: a per-channel constant add becomes part of a Conv's or
/// Dense's bias, and a standalone activation becomes the fused activation of a Conv, Dense or Add.
/// </summary>
/// <remarks>
/// Both rewrites need the producer to have no activation yet and to be read by nothing but the op being
/// fused (and not to be the graph output), so its intermediate value can disappear. The fused producer
/// takes over the fused op's output name, so every later reader and the graph output keep their names.
/// </remarks>
public static class ActivationFusion
{
    public static ModelGraph Apply(ModelGraph graph)
    {
        var operations = graph.Operations.ToList();
        var fused = false;
        for (var index = 0; index < operations.Count; index++)
        {
            var op = operations[index];
            if (op.Inputs.Count != 1)
            {
                continue;
            }

            var input = op.Inputs[0];
            var producerIndex = operations.FindIndex(candidate => candidate.Output == input);
            if (producerIndex < 0 || input == graph.OutputName || operations.Any(other => !ReferenceEquals(other, op) && other.Inputs.Contains(input)))
            {
                continue;
            }

            var replacement = op switch
            {
                AddConstantOperation addConstant => FuseBiasAdd(operations[producerIndex], addConstant),
                ActivationOperation activation => FuseActivation(operations[producerIndex], activation),
                _ => null,
            };

            if (replacement is null)
            {
                continue;
            }

            operations[producerIndex] = replacement;
            operations.RemoveAt(index);
            index--;
            fused = true;
        }

        return fused ? graph.WithOperations(operations) : graph;
    }

    private static Operation? FuseActivation(Operation producer, ActivationOperation activation) => producer switch
    {
        ConvOperation conv when conv.Activation.Kind == ActivationKind.None => conv with { Output = activation.Output, Activation = activation.Activation },
        DenseOperation dense when dense.Activation.Kind == ActivationKind.None => dense with { Output = activation.Output, Activation = activation.Activation },
        AddOperation add when add.Activation.Kind == ActivationKind.None => add with { Output = activation.Output, Activation = activation.Activation },
        _ => null,
    };

    private static Operation? FuseBiasAdd(Operation producer, AddConstantOperation addConstant)
    {
        switch (producer)
        {
            case ConvOperation conv when conv.Activation.Kind == ActivationKind.None:
                // Output [M, H, W]: the constant must depend on the channel (axis 0) only.
                var convBias = AddPerChannel(conv.Bias, addConstant.Constant, conv.OutputChannels, blockLength: addConstant.Constant.ElementCount / conv.OutputChannels);
                return convBias is null ? null : conv with { Output = addConstant.Output, Bias = convBias };
            case DenseOperation dense when dense.Activation.Kind == ActivationKind.None:
                // Output [..., M]: the constant must depend on the feature (last axis) only.
                var denseBias = AddPerChannel(dense.Bias, addConstant.Constant, dense.OutputFeatures, blockLength: 1);
                return denseBias is null ? null : dense with { Output = addConstant.Output, Bias = denseBias };
            default:
                return null;
        }
    }

    /// <summary>
    /// The bias plus the constant's value per channel, or null when the constant varies within a channel.
    /// Element i of the constant belongs to channel (i / blockLength) mod channels.
    /// </summary>
    private static float[]? AddPerChannel(float[]? bias, Tensor constant, int channels, int blockLength)
    {
        var perChannel = new float[channels];
        for (var channel = 0; channel < channels; channel++)
        {
            perChannel[channel] = constant.Data[channel * blockLength];
        }

        for (var i = 0; i < constant.ElementCount; i++)
        {
            if (constant.Data[i] != perChannel[(i / blockLength) % channels])
            {
                return null;
            }
        }

        var sum = new float[channels];
        for (var channel = 0; channel < channels; channel++)
        {
            sum[channel] = (float)((double)(bias is null ? 0f : bias[channel]) + perChannel[channel]);
        }

        return sum;
    }
}
