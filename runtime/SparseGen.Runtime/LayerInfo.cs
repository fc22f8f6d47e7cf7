namespace SparseGen;

/// <summary>Compile-time facts about one layer of a generated model, for reports and logs.</summary>
/// <param name="Name">The layer's node name in the model file.</param>
/// <param name="OpType">The operation, e.g. <c>Conv</c> or <c>Dense</c>.</param>
/// <param name="Strategy">How the generated code computes it, e.g. <c>unrolled</c>.</param>
/// <param name="Parameters">Weights and biases in the model file.</param>
/// <param name="NonZeros">Nonzero weights and biases, the ones the generated code keeps.</param>
/// <param name="DenseMacs">Multiply-adds per sample of a dense implementation.</param>
/// <param name="SparseMacs">Multiply-adds per sample that remain when zero weights are skipped.</param>
public readonly record struct LayerInfo(
    string Name,
    string OpType,
    string Strategy,
    long Parameters,
    long NonZeros,
    long DenseMacs,
    long SparseMacs)
{
    /// <summary>Fraction of weights that are zero, between 0 and 1.</summary>
    public double Sparsity => Parameters == 0 ? 0 : 1.0 - (double)NonZeros / Parameters;
}
