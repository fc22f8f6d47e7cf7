using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;
using SparseGen.Model.Tests.Infrastructure;
using Xunit;

namespace SparseGen.Generator.Tests.Emitting;

public class CostModelTests
{
    [Theory]
    [InlineData(0.0, "DenseSimd")]
    [InlineData(0.5, "DenseSimd")]
    [InlineData(0.9, "SparseRows")]
    [InlineData(0.99, "SparseRows")]
    public void Fc1_of_the_fashion_cnn_is_dense_SIMD_when_dense_and_compressed_rows_when_90_percent_sparse(double zeros, string expected)
    {
        var dense = Dense(3_136, 128, zeros);

        Assert.Equal(expected, CostModel.ChooseDense(dense, PlannerOptions.Default, canUnroll: false).ToString());
    }

    [Fact]
    public void Small_sparse_layer_that_may_unroll_is_never_a_dense_table()
    {
        var dense = Dense(128, 10, 0.9);

        Assert.NotEqual(LayerStrategy.DenseSimd, CostModel.ChooseDense(dense, PlannerOptions.Default, canUnroll: true));
    }

    private static DenseOperation Dense(int inFeatures, int outFeatures, double zeros) =>
        new("fc_dense", "x", "y", new Tensor(new[] { outFeatures, inFeatures }, RandomData.SparseWeights(7, inFeatures * outFeatures, zeros)), null, Activation.Relu);
}
