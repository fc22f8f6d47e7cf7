using System;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Analysis;

/// <summary>Size, sparsity and cost of one layer with parameters (Conv, Dense, BatchNorm), per sample.</summary>
public sealed class LayerStatistics
{
    private LayerStatistics(
        Operation op,
        int[] inputShape,
        int[] outputShape,
        float[] weight,
        float[]? bias,
        long denseMacs,
        long sparseMacs,
        int filters,
        int removableFilters)
    {
        Name = op.Name;
        OpType = op.OpType;
        InputShape = inputShape;
        OutputShape = outputShape;
        WeightCount = weight.LongLength;
        ZeroWeights = weight.LongCount(value => value == 0f);
        var biasValues = bias ?? Array.Empty<float>();
        Parameters = weight.LongLength + biasValues.LongLength;
        NonZeros = WeightCount - ZeroWeights + biasValues.LongCount(value => value != 0f);
        DenseMacs = denseMacs;
        SparseMacs = sparseMacs;
        Filters = filters;
        RemovableFilters = removableFilters;
    }

    public string Name { get; }

    public string OpType { get; }

    /// <summary>Per-sample shape of the input (the batch dimension excluded).</summary>
    public int[] InputShape { get; }

    /// <summary>Per-sample shape of the output (the batch dimension excluded).</summary>
    public int[] OutputShape { get; }

    /// <summary>Weight and bias elements; for BatchNorm its learnable scale and bias (2·C), as PyTorch counts them.</summary>
    public long Parameters { get; }

    /// <summary>Weight and bias elements that are not zero.</summary>
    public long NonZeros { get; }

    /// <summary>Fraction of the weight tensor (bias excluded) that is zero, from 0 to 1.</summary>
    public double Sparsity => WeightCount == 0 ? 0 : (double)ZeroWeights / WeightCount;

    /// <summary>Multiply-adds per sample computing every weight, zeros included.</summary>
    public long DenseMacs { get; }

    /// <summary>Multiply-adds per sample with the nonzero weights only.</summary>
    public long SparseMacs { get; }

    /// <summary>Output channels (Conv, BatchNorm) or output features (Dense).</summary>
    public int Filters { get; }

    /// <summary>The filters the exact optimiser removes from this layer (dead channels).</summary>
    public int RemovableFilters { get; }

    internal long WeightCount { get; }

    internal long ZeroWeights { get; }

    /// <summary>Statistics of <paramref name="op"/>, or null for an op without parameters.</summary>
    internal static LayerStatistics? Of(ModelGraph graph, Operation op, int removableFilters)
    {
        var inputShape = graph.ShapeOf(op.Inputs[0]);
        var outputShape = graph.ShapeOf(op.Output);
        switch (op)
        {
            case ConvOperation conv:
                var positions = (long)outputShape[1] * outputShape[2];
                return new LayerStatistics(
                    conv,
                    inputShape,
                    outputShape,
                    conv.Weight.Data,
                    conv.Bias,
                    positions * conv.Weight.ElementCount,
                    positions * conv.Weight.NonZeroCount,
                    conv.OutputChannels,
                    removableFilters);
            case DenseOperation dense:
                long rows = ShapeInference.ElementCount(outputShape) / dense.OutputFeatures;
                return new LayerStatistics(
                    dense,
                    inputShape,
                    outputShape,
                    dense.Weight.Data,
                    dense.Bias,
                    rows * dense.Weight.ElementCount,
                    rows * dense.Weight.NonZeroCount,
                    dense.OutputFeatures,
                    removableFilters);
            case BatchNormOperation batchNorm:
                // Folded to y = x·a + b per channel: one multiply-add per element, none where the scale is zero.
                long perChannel = ShapeInference.ElementCount(outputShape) / batchNorm.Channels;
                return new LayerStatistics(
                    batchNorm,
                    inputShape,
                    outputShape,
                    batchNorm.Scale,
                    batchNorm.Bias,
                    perChannel * batchNorm.Channels,
                    perChannel * batchNorm.Scale.Count(scale => scale != 0f),
                    batchNorm.Channels,
                    removableFilters);
            default:
                return null;
        }
    }
}
