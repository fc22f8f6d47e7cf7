namespace SparseGen.Model.Evaluation;

/// <summary>
/// How the reference evaluator treats a weight that is exactly zero. The two differ only where an input is NaN or
/// infinite: 0 · NaN and 0 · ∞ are NaN when the zero is multiplied, and nothing at all when it is absent.
/// </summary>
public enum ZeroWeights
{
    /// <summary>Multiplied like any other weight, as ONNX Runtime's dense kernels do.</summary>
    Multiplied,

    /// <summary>
    /// Absent, as in SparseGen's unrolled and sparse-table kernels: a convolution or fully connected layer adds only
    /// its nonzero weights' products, and a batch normalisation whose scale is zero gives its bias.
    /// </summary>
    Skipped,
}
