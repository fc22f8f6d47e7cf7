using SparseGen.Model.Graph;

namespace SparseGen.Model.Passes;

/// <summary>The exact optimisations, in the order each one enables the next.</summary>
public static class GraphOptimizer
{
    /// <summary>
    /// Folds BatchNorm into weights, fuses bias adds and activations into their producers, then removes
    /// dead channels. The result computes the same function up to float rounding.
    /// </summary>
    public static ModelGraph Optimize(ModelGraph graph)
    {
        // Folding and fusion first: a fused Relu turns a zero filter with a negative bias into a zero channel.
        graph = BatchNormFolding.Apply(graph);
        graph = ActivationFusion.Apply(graph);
        return DeadChannelElimination.Apply(graph);
    }
}
