using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Passes;

/// <summary>
/// Removes output channels of a Conv (group 1) or Dense (one vector per sample) that cannot change the
/// model's output, together with the weights that read them in the next layers.
/// </summary>
/// <remarks>
/// A channel is followed from its producer through ops that keep channels apart and in order
/// (activations, pooling, global average pooling, Flatten, which turns channel c of [C, H, W] into the
/// features c·H·W to (c + 1)·H·W − 1) to the group-1 Convs or Denses that read it. Any other op on the way
/// (BatchNorm, Add, Softmax, a reshape, a second reader, the graph output) keeps every channel of that
/// producer. A channel goes when:
/// <list type="bullet">
/// <item>every reader gives it all-zero weights (nobody uses it), or</item>
/// <item>its filter is all zero, so it is the constant act(bias) everywhere, and that constant is zero
/// where the readers see it (its weights there multiply zero), or</item>
/// <item>that constant k is not zero but every reader is a Dense or an unpadded Conv: then each output the
/// channel feeds gains exactly k·Σw, which moves into the reader's bias.</item>
/// </list>
/// The pass repeats until nothing changes (a removal can leave a later filter all zero) and never removes
/// the last channel of a value.
/// </remarks>
public static class DeadChannelElimination
{
    public static ModelGraph Apply(ModelGraph graph)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            // The pass rewrites weights only, so operation indices stay valid across rewrites.
            for (var index = 0; index < graph.Operations.Count; index++)
            {
                var reduced = TryReduce(graph, index);
                if (reduced is not null)
                {
                    graph = reduced;
                    changed = true;
                }
            }
        }

        return graph;
    }

    private static ModelGraph? TryReduce(ModelGraph graph, int producerIndex)
    {
        var producer = graph.Operations[producerIndex];
        var isConv = producer is ConvOperation { Group: 1 };
        var isVectorDense = producer is DenseOperation && graph.ShapeOf(producer.Output).Length == 1;
        if (!isConv && !isVectorDense)
        {
            return null;
        }

        var layer = Layer.Of(producer);
        if (layer.Channels <= 1)
        {
            return null;
        }

        var route = ChannelRoute.Trace(graph, producer.Output, spatial: isConv);
        if (route is null)
        {
            return null;
        }

        var removed = new bool[layer.Channels];
        var constants = new double[layer.Channels];
        for (var channel = 0; channel < layer.Channels; channel++)
        {
            if (route.Readers.All(reader => reader.IgnoresChannel(channel)))
            {
                removed[channel] = true;
                continue;
            }

            if (!layer.IsFilterZero(channel))
            {
                continue;
            }

            var constant = route.ConstantAtReaders(layer.Activation.Apply(layer.BiasOf(channel)));
            if (constant is not float value || float.IsNaN(value) || float.IsInfinity(value))
            {
                continue;
            }

            // A zero channel is zero at every position, zero padding included, so its weights multiply
            // zero. A constant k ≠ 0 is different: a padded Conv sees k inside the image but 0 in the
            // border, so no single bias reproduces it; only readers whose every input position is a real
            // element (a Dense, an unpadded Conv) see exactly k·Σw, which the bias can take.
            if (value == 0f || route.Readers.All(reader => reader.SeesEveryPositionReal))
            {
                removed[channel] = true;
                constants[channel] = value;
            }
        }

        var kept = Enumerable.Range(0, layer.Channels).Where(channel => !removed[channel]).ToList();
        if (kept.Count == layer.Channels)
        {
            return null;
        }

        if (kept.Count == 0)
        {
            // A value needs at least one channel; keep the first untouched.
            kept.Add(0);
            removed[0] = false;
            constants[0] = 0;
        }

        var operations = graph.Operations.ToArray();
        operations[producerIndex] = layer.KeepChannels(kept);
        foreach (var reader in route.Readers)
        {
            operations[reader.Index] = reader.KeepChannels(kept, removed, constants);
        }

        return graph.WithOperations(operations);
    }

    /// <summary>The output side of a producer: its filters (rows of axis 0), bias and activation.</summary>
    private sealed class Layer
    {
        private readonly Operation producer;
        private readonly Tensor weight;
        private readonly float[]? bias;

        private Layer(Operation producer, Tensor weight, float[]? bias, Activation activation)
        {
            this.producer = producer;
            this.weight = weight;
            this.bias = bias;
            Activation = activation;
        }

        public int Channels => weight.Shape[0];

        public Activation Activation { get; }

        public static Layer Of(Operation producer) => producer switch
        {
            ConvOperation conv => new Layer(conv, conv.Weight, conv.Bias, conv.Activation),
            DenseOperation dense => new Layer(dense, dense.Weight, dense.Bias, dense.Activation),
            _ => throw new InvalidOperationException($"{producer.OpType} '{producer.Name}' has no filters"),
        };

        public float BiasOf(int channel) => bias is null ? 0f : bias[channel];

        public bool IsFilterZero(int channel)
        {
            var rowLength = weight.ElementCount / Channels;
            for (var i = channel * rowLength; i < (channel + 1) * rowLength; i++)
            {
                if (weight.Data[i] != 0f)
                {
                    return false;
                }
            }

            return true;
        }

        public Operation KeepChannels(List<int> kept)
        {
            var rowLength = weight.ElementCount / Channels;
            var shape = (int[])weight.Shape.Clone();
            shape[0] = kept.Count;
            var data = new float[kept.Count * rowLength];
            for (var row = 0; row < kept.Count; row++)
            {
                Array.Copy(weight.Data, kept[row] * rowLength, data, row * rowLength, rowLength);
            }

            var newWeight = new Tensor(shape, data);
            var newBias = bias is null ? null : kept.Select(channel => bias[channel]).ToArray();
            return producer switch
            {
                ConvOperation conv => conv with { Weight = newWeight, Bias = newBias },
                DenseOperation dense => dense with { Weight = newWeight, Bias = newBias },
                _ => throw new InvalidOperationException($"{producer.OpType} '{producer.Name}' has no filters"),
            };
        }
    }

    /// <summary>The ops a producer's channels pass through and the layers that finally read them.</summary>
    private sealed class ChannelRoute
    {
        private readonly List<Operation> passedThrough;

        private ChannelRoute(List<Operation> passedThrough, List<Reader> readers)
        {
            this.passedThrough = passedThrough;
            Readers = readers;
        }

        public List<Reader> Readers { get; }

        /// <summary>
        /// Follows <paramref name="value"/> ([C, H, W] when <paramref name="spatial"/>, else [C]) to its
        /// readers, or returns null when an op on the way mixes, reorders or exposes channels.
        /// </summary>
        public static ChannelRoute? Trace(ModelGraph graph, string value, bool spatial)
        {
            var passedThrough = new List<Operation>();
            var featuresPerChannel = 1;
            while (value != graph.OutputName)
            {
                var consumers = new List<Operation>();
                var readers = new List<Reader>();
                for (var index = 0; index < graph.Operations.Count; index++)
                {
                    var op = graph.Operations[index];
                    if (!op.Inputs.Contains(value))
                    {
                        continue;
                    }

                    consumers.Add(op);
                    if (Reader.TryCreate(op, index, spatial, featuresPerChannel) is Reader reader)
                    {
                        readers.Add(reader);
                    }
                }

                if (consumers.Count == 0)
                {
                    return null;
                }

                if (readers.Count == consumers.Count)
                {
                    return new ChannelRoute(passedThrough, readers);
                }

                if (consumers.Count != 1)
                {
                    return null;
                }

                var next = consumers[0];
                switch (next)
                {
                    case ActivationOperation:
                    case PoolOperation:
                    case GlobalAveragePoolOperation { KeepDims: true }:
                        break;
                    case GlobalAveragePoolOperation:
                        spatial = false;
                        featuresPerChannel = 1;
                        break;
                    case ReshapeOperation { IsFlatten: true }:
                        if (spatial)
                        {
                            var shape = graph.ShapeOf(value);
                            featuresPerChannel = shape[1] * shape[2];
                            spatial = false;
                        }

                        break;
                    default:
                        return null;
                }

                passedThrough.Add(next);
                value = next.Output;
            }

            return null;
        }

        /// <summary>
        /// The constant a channel that is <paramref name="constant"/> at the producer has where the readers
        /// see it, or null when some op on the way would not keep it one constant.
        /// </summary>
        public float? ConstantAtReaders(float constant)
        {
            foreach (var op in passedThrough)
            {
                switch (op)
                {
                    case ActivationOperation activation:
                        constant = activation.Activation.Apply(constant);
                        break;
                    case PoolOperation pool when constant != 0f && (pool.CeilMode || pool.Pads.Any(pad => pad != 0)):
                        // Padding and partial windows mix a constant with what the pool pads with.
                        return null;
                }
            }

            return constant;
        }
    }

    /// <summary>A group-1 Conv or a Dense that reads a producer's channels.</summary>
    private sealed class Reader
    {
        private readonly Operation op;
        private readonly Tensor weight;
        private readonly float[]? bias;

        /// <summary>Weights per output and input channel: kH·kW for a Conv, the features of a channel for a Dense.</summary>
        private readonly int weightsPerChannel;

        private Reader(Operation op, int index, Tensor weight, float[]? bias, int weightsPerChannel, bool seesEveryPositionReal)
        {
            this.op = op;
            this.weight = weight;
            this.bias = bias;
            this.weightsPerChannel = weightsPerChannel;
            Index = index;
            SeesEveryPositionReal = seesEveryPositionReal;
        }

        public int Index { get; }

        /// <summary>True for a Dense or an unpadded Conv: every input it multiplies is a real element.</summary>
        public bool SeesEveryPositionReal { get; }

        private int Outputs => weight.Shape[0];

        private int InputChannels => weight.Shape[1] / (op is DenseOperation ? weightsPerChannel : 1);

        public static Reader? TryCreate(Operation op, int index, bool spatial, int featuresPerChannel) => op switch
        {
            ConvOperation { Group: 1 } conv when spatial => new Reader(conv, index, conv.Weight, conv.Bias, conv.KernelHeight * conv.KernelWidth, conv.Pads.All(pad => pad == 0)),
            DenseOperation dense when !spatial => new Reader(dense, index, dense.Weight, dense.Bias, featuresPerChannel, true),
            _ => null,
        };

        public bool IgnoresChannel(int channel)
        {
            for (var output = 0; output < Outputs; output++)
            {
                var start = Offset(output, channel);
                for (var i = start; i < start + weightsPerChannel; i++)
                {
                    if (weight.Data[i] != 0f)
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// This reader without the removed input channels; each removed channel that was the constant
        /// k ≠ 0 adds k·Σw to the bias of every output.
        /// </summary>
        public Operation KeepChannels(List<int> kept, bool[] removed, double[] constants)
        {
            var data = new float[Outputs * kept.Count * weightsPerChannel];
            var extraBias = new double[Outputs];
            for (var output = 0; output < Outputs; output++)
            {
                for (var row = 0; row < kept.Count; row++)
                {
                    Array.Copy(weight.Data, Offset(output, kept[row]), data, ((output * kept.Count) + row) * weightsPerChannel, weightsPerChannel);
                }

                for (var channel = 0; channel < InputChannels; channel++)
                {
                    if (!removed[channel] || constants[channel] == 0)
                    {
                        continue;
                    }

                    var start = Offset(output, channel);
                    var sum = 0.0;
                    for (var i = start; i < start + weightsPerChannel; i++)
                    {
                        sum += weight.Data[i];
                    }

                    extraBias[output] += constants[channel] * sum;
                }
            }

            var newBias = bias;
            if (extraBias.Any(extra => extra != 0))
            {
                newBias = new float[Outputs];
                for (var output = 0; output < Outputs; output++)
                {
                    newBias[output] = (float)((bias is null ? 0.0 : bias[output]) + extraBias[output]);
                }
            }

            return op switch
            {
                ConvOperation conv => conv with
                {
                    Weight = new Tensor(new[] { Outputs, kept.Count, conv.KernelHeight, conv.KernelWidth }, data),
                    Bias = newBias,
                },
                DenseOperation dense => dense with
                {
                    Weight = new Tensor(new[] { Outputs, kept.Count * weightsPerChannel }, data),
                    Bias = newBias,
                },
                _ => throw new InvalidOperationException($"{op.OpType} '{op.Name}' does not read channels"),
            };
        }

        /// <summary>Where the weights of one output for one input channel start (they are contiguous).</summary>
        private int Offset(int output, int channel) => ((output * InputChannels) + channel) * weightsPerChannel;
    }
}
