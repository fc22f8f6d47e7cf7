using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// The channels-in-lanes convolution kernels compute a vector of output channels per pixel, and the channel-major layout
/// of their output cost a scalar scatter of every value (on the 90 % block model, 1.8 of conv2's 5.7 µs). Where such a
/// convolution's output (or its fused pool's) is read only by a fully connected layer through a flatten, the layer's
/// columns can follow any order of the flattened values: so the convolution stores its output pixel by pixel, a vector of
/// channels at a time, and the fully connected layer reads it with its columns permuted to match.
/// </summary>
/// <remarks>
/// The rewritten graph keeps every op's name and order. The convolution's filters are put in lane order (the order of its
/// blocks' lanes, <see cref="OutputBlocks.Slots"/>) and an empty lane gets a zero filter and bias, so the convolution has
/// a whole number of 16-channel blocks, L channels; its output [L×H×W] is stored [H×W×L]; the flatten is the same; the
/// fully connected weight has L·H·W columns, column p·L + l holding the original column of lane l's channel at pixel p
/// (zero for an empty lane). Only the CPU kernels see the rewritten graph.
/// </remarks>
internal static class ChannelsLastRewrite
{
    /// <summary>
    /// Empty lanes may add at most this fraction to the fully connected layer's columns. They cost nothing in the sparse
    /// kernels; a dense SIMD one multiplies a column of zeros for M/16 vector steps, which the scatter it saves (about
    /// 1.5 cycles per value) pays for up to about a third of the columns.
    /// </summary>
    private const double MaxPaddingFraction = 0.25;

    /// <summary>The rewritten graph, or null where no convolution qualifies.</summary>
    /// <param name="graph">The optimised graph.</param>
    /// <param name="strategies">Each convolution's strategy, chosen on <paramref name="graph"/>.</param>
    /// <param name="fusedPools">The pools the convolutions compute as well.</param>
    /// <param name="blocksOf">The blocks of a convolution planned as <see cref="LayerStrategy.SimdChannelBlocks"/>.</param>
    public static ChannelsLastGraph? Apply(
        ModelGraph graph,
        IReadOnlyDictionary<Operation, LayerStrategy> strategies,
        IReadOnlyDictionary<Operation, PoolOperation> fusedPools,
        Func<Operation, OutputBlocks> blocksOf)
    {
        var operations = graph.Operations.ToList();
        var originals = new Dictionary<Operation, Operation>(ReferenceComparer.Instance);
        var channelsLast = new HashSet<Operation>(ReferenceComparer.Instance);
        for (var index = 0; index < operations.Count; index++)
        {
            if (operations[index] is not ConvOperation conv
                || !strategies.TryGetValue(conv, out var strategy)
                || strategy is not (LayerStrategy.SimdChannels or LayerStrategy.SimdChannelBlocks))
            {
                continue;
            }

            var stored = fusedPools.TryGetValue(conv, out var pool) ? pool.Output : conv.Output;
            if (OnlyReader(graph, stored) is not ReshapeOperation { TargetShape.Length: 1 } flatten
                || OnlyReader(graph, flatten.Output) is not DenseOperation dense)
            {
                continue;
            }

            var slots = strategy == LayerStrategy.SimdChannelBlocks ? blocksOf(conv).Slots : OutputBlocks.InOrder(conv.Weight).Slots;
            var lanes = slots.Count;
            if (lanes - conv.OutputChannels > MaxPaddingFraction * lanes)
            {
                continue;
            }

            var pixels = ShapeInference.ElementCount(graph.ShapeOf(stored)) / conv.OutputChannels;
            var inLaneOrder = conv with { Weight = FiltersInLaneOrder(conv.Weight, slots), Bias = conv.Bias is null ? null : BiasInLaneOrder(conv.Bias, slots) };
            var flat = flatten with { TargetShape = new[] { -1 } };
            var permuted = dense with { Weight = ColumnsChannelsLast(dense.Weight, slots, pixels) };
            operations[index] = inLaneOrder;
            operations[operations.FindIndex(op => ReferenceEquals(op, flatten))] = flat;
            operations[operations.FindIndex(op => ReferenceEquals(op, dense))] = permuted;
            originals[inLaneOrder] = conv;
            originals[flat] = flatten;
            originals[permuted] = dense;
            channelsLast.Add(inLaneOrder);
        }

        return channelsLast.Count == 0 ? null : new ChannelsLastGraph(graph.WithOperations(operations), originals, channelsLast);
    }

    private static Operation? OnlyReader(ModelGraph graph, string value)
    {
        if (value == graph.OutputName)
        {
            return null;
        }

        var readers = graph.ConsumersOf(value).Take(2).ToList();
        return readers.Count == 1 ? readers[0] : null;
    }

    private static Tensor FiltersInLaneOrder(Tensor weight, IReadOnlyList<int> slots)
    {
        var filter = weight.Data.Length / weight.Shape[0];
        var data = new float[(long)slots.Count * filter];
        for (var lane = 0; lane < slots.Count; lane++)
        {
            if (slots[lane] >= 0)
            {
                Array.Copy(weight.Data, (long)slots[lane] * filter, data, (long)lane * filter, filter);
            }
        }

        var shape = (int[])weight.Shape.Clone();
        shape[0] = slots.Count;
        return new Tensor(shape, data);
    }

    private static float[] BiasInLaneOrder(float[] bias, IReadOnlyList<int> slots) =>
        slots.Select(channel => channel >= 0 ? bias[channel] : 0f).ToArray();

    /// <summary>Column p·L + l of the result is the column of lane l's channel at pixel p (channel-major: channel · pixels + p).</summary>
    private static Tensor ColumnsChannelsLast(Tensor weight, IReadOnlyList<int> slots, int pixels)
    {
        int outputs = weight.Shape[0], columns = weight.Shape[1], lanes = slots.Count;
        var data = new float[(long)outputs * pixels * lanes];
        for (var o = 0; o < outputs; o++)
        {
            for (var p = 0; p < pixels; p++)
            {
                for (var lane = 0; lane < lanes; lane++)
                {
                    if (slots[lane] >= 0)
                    {
                        data[(((long)o * pixels) + p) * lanes + lane] = weight.Data[((long)o * columns) + ((long)slots[lane] * pixels) + p];
                    }
                }
            }
        }

        return new Tensor(new[] { outputs, pixels * lanes }, data);
    }
}

/// <summary>The graph the CPU kernels compute after <see cref="ChannelsLastRewrite"/>.</summary>
/// <param name="Graph">The rewritten graph: same op names and order, other weights for the rewritten ops.</param>
/// <param name="Originals">Each rewritten op's op in the optimised graph.</param>
/// <param name="ChannelsLast">The convolutions that store their output pixel by pixel, a vector of channels at a time.</param>
internal sealed record ChannelsLastGraph(ModelGraph Graph, IReadOnlyDictionary<Operation, Operation> Originals, IReadOnlyCollection<Operation> ChannelsLast);
