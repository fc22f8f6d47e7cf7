using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting;

/// <summary>What the graph says about the values a layer reads.</summary>
internal static class ActivationFacts
{
    /// <summary>
    /// True when <paramref name="value"/> is the output of a Relu, directly or through max pooling and reshapes
    /// (which keep its zeros): a value with many exact zeros, whose zero entries a kernel may skip.
    /// </summary>
    public static bool FollowsRelu(ModelGraph graph, string value)
    {
        while (true)
        {
            var producer = graph.Operations.FirstOrDefault(op => op.Output == value);
            switch (producer)
            {
                case ReshapeOperation reshape:
                    value = reshape.Input;
                    continue;
                case PoolOperation { Kind: PoolKind.Max } pool:
                    value = pool.Input;
                    continue;
                case ConvOperation conv:
                    return conv.Activation.Kind == ActivationKind.Relu;
                case DenseOperation dense:
                    return dense.Activation.Kind == ActivationKind.Relu;
                case AddOperation add:
                    return add.Activation.Kind == ActivationKind.Relu;
                case ActivationOperation activation:
                    return activation.Activation.Kind == ActivationKind.Relu;
                default:
                    return false;
            }
        }
    }
}
