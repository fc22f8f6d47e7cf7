using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;

namespace SparseGen.Model.Analysis;

/// <summary>Size, sparsity and cost of a model, layer by layer and in total, per sample.</summary>
public sealed class ModelStatistics
{
    private ModelStatistics(IReadOnlyList<LayerStatistics> layers)
    {
        Layers = layers;
        Parameters = layers.Sum(layer => layer.Parameters);
        NonZeros = layers.Sum(layer => layer.NonZeros);
        DenseMacs = layers.Sum(layer => layer.DenseMacs);
        SparseMacs = layers.Sum(layer => layer.SparseMacs);
        var weights = layers.Sum(layer => layer.WeightCount);
        Sparsity = weights == 0 ? 0 : (double)layers.Sum(layer => layer.ZeroWeights) / weights;
    }

    /// <summary>One entry per Conv, Dense and BatchNorm, in graph order; other ops have no parameters.</summary>
    public IReadOnlyList<LayerStatistics> Layers { get; }

    public long Parameters { get; }

    public long NonZeros { get; }

    /// <summary>Fraction of all weights (biases excluded) that are zero, from 0 to 1.</summary>
    public double Sparsity { get; }

    public long DenseMacs { get; }

    public long SparseMacs { get; }

    public static ModelStatistics Compute(ModelGraph graph)
    {
        var removable = RemovableFilters(graph);
        var layers = new List<LayerStatistics>();
        for (var index = 0; index < graph.Operations.Count; index++)
        {
            if (LayerStatistics.Of(graph, graph.Operations[index], removable[index]) is LayerStatistics layer)
            {
                layers.Add(layer);
            }
        }

        return new ModelStatistics(layers);
    }

    /// <summary>
    /// Filters the optimiser removes, per operation index (zero for all but Conv and Dense). The passes drop BatchNorm and activation ops but
    /// never a Conv or Dense, nor reorder them, so the n-th before is the n-th after.
    /// </summary>
    private static int[] RemovableFilters(ModelGraph graph)
    {
        var beforeIndices = Enumerable.Range(0, graph.Operations.Count).Where(index => HasFilters(graph.Operations[index])).ToList();
        var before = beforeIndices.Select(index => graph.Operations[index]).ToList();
        var after = GraphOptimizer.Optimize(graph).Operations.Where(HasFilters).ToList();
        if (before.Count != after.Count)
        {
            throw new InvalidOperationException($"the optimiser changed the number of Conv and Dense layers from {before.Count} to {after.Count}");
        }

        var removable = new int[graph.Operations.Count];
        for (var i = 0; i < before.Count; i++)
        {
            if (before[i].Name != after[i].Name)
            {
                throw new InvalidOperationException($"the optimiser reordered layer '{before[i].Name}' and '{after[i].Name}'");
            }

            removable[beforeIndices[i]] = Filters(before[i]) - Filters(after[i]);
        }

        return removable;
    }

    private static bool HasFilters(Operation op) => op is ConvOperation or DenseOperation;

    private static int Filters(Operation op) => op switch
    {
        ConvOperation conv => conv.OutputChannels,
        DenseOperation dense => dense.OutputFeatures,
        _ => 0,
    };
}
