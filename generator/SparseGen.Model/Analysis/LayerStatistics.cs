using System;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Analysis;

/// <summary>Size, sparsity and cost of one layer with parameters (Conv, Dense, BatchNorm), per sample.</summary>
public sealed class LayerStatistics
{
    private LayerStatistics(Operation op, int[] inputShape, int[] outputShape)
    {
        Name = op.Name;
        OpType = op.OpType;
        InputShape = inputShape;
        OutputShape = outputShape;
    }

    public string Name { get; }

    public string OpType { get; }

    /// <summary>Per-sample shape of the input (the batch dimension excluded).</summary>
    public int[] InputShape { get; }

    /// <summary>Per-sample shape of the output (the batch dimension excluded).</summary>
    public int[] OutputShape { get; }

    /// <summary>Weight and bias elements; for BatchNorm its learnable scale and bias (2·C), as PyTorch counts them.</summary>
    public long Parameters { get; private set; }

    /// <summary>Weight and bias elements that are not zero.</summary>
    public long NonZeros { get; private set; }

    /// <summary>Fraction of the weight tensor (bias excluded) that is zero, from 0 to 1.</summary>
    public double Sparsity => WeightCount == 0 ? 0 : (double)ZeroWeights / WeightCount;

    /// <summary>Multiply-adds per sample computing every weight, zeros included.</summary>
    public long DenseMacs { get; private set; }

    /// <summary>Multiply-adds per sample with the nonzero weights only.</summary>
    public long SparseMacs { get; private set; }

    /// <summary>Output channels (Conv, BatchNorm) or output features (Dense).</summary>
    public int Filters { get; private set; }

    /// <summary>The filters the exact optimiser removes from this layer (dead channels).</summary>
    public int RemovableFilters { get; private set; }

    internal long WeightCount { get; private set; }

    internal long ZeroWeights { get; private set; }

    /// <summary>Statistics of <paramref name="op"/>, or null for an op without parameters.</summary>
    internal static LayerStatistics? Of(ModelGraph graph, Operation op, int removableFilters)
    {
        var inputShape = graph.ShapeOf(op.Inputs[0]);
        var outputShape = graph.ShapeOf(op.Output);
        var layer = new LayerStatistics(op, inputShape, outputShape) { RemovableFilters = removableFilters };
        switch (op)
        {
            case ConvOperation conv:
                var positions = (long)outputShape[1] * outputShape[2];
                layer.Count(conv.Weight.Data, conv.Bias);
                layer.Filters = conv.OutputChannels;
                layer.DenseMacs = positions * conv.Weight.ElementCount;
                layer.SparseMacs = positions * conv.Weight.NonZeroCount;
                return layer;
            case DenseOperation dense:
                long rows = ShapeInference.ElementCount(outputShape) / dense.OutputFeatures;
                layer.Count(dense.Weight.Data, dense.Bias);
                layer.Filters = dense.OutputFeatures;
                layer.DenseMacs = rows * dense.Weight.ElementCount;
                layer.SparseMacs = rows * dense.Weight.NonZeroCount;
                return layer;
            case BatchNormOperation batchNorm:
                // Folded to y = x·a + b per channel: one multiply-add per element, none where the scale is zero.
                long perChannel = ShapeInference.ElementCount(outputShape) / batchNorm.Channels;
                layer.Count(batchNorm.Scale, batchNorm.Bias);
                layer.Filters = batchNorm.Channels;
                layer.DenseMacs = perChannel * batchNorm.Channels;
                layer.SparseMacs = perChannel * batchNorm.Scale.Count(scale => scale != 0f);
                return layer;
            default:
                return null;
        }
    }

    private void Count(float[] weight, float[]? bias)
    {
        var biasValues = bias ?? Array.Empty<float>();
        WeightCount = weight.LongLength;
        ZeroWeights = weight.LongCount(value => value == 0f);
        Parameters = weight.LongLength + biasValues.LongLength;
        NonZeros = WeightCount - ZeroWeights + biasValues.LongCount(value => value != 0f);
    }
}
