using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>What the graph says about the values a layer reads.</summary>
internal static class ActivationFacts
{
    /// <summary>
    /// Below this many inputs a dense table stays in cache and gathering the nonzero inputs costs more than it saves;
    /// above the maximum their index list would not fit comfortably on the stack.
    /// </summary>
    public const int MinInputsToSkipZeros = 256;

    public const int MaxInputsToSkipZeros = 16_384;

    /// <summary>
    /// Whether the dense SIMD kernel of <paramref name="dense"/> gathers its nonzero inputs first and streams only their
    /// rows: its input follows a Relu, and every weight is finite (so a zero input adds exactly nothing).
    /// </summary>
    public static bool SkipsZeroInputs(ModelGraph graph, DenseOperation dense) =>
        dense.InputFeatures >= MinInputsToSkipZeros && dense.InputFeatures <= MaxInputsToSkipZeros
        && FollowsRelu(graph, dense.Input) && System.Array.TrueForAll(dense.Weight.Data, w => !float.IsNaN(w) && !float.IsInfinity(w));

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
