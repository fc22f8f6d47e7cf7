using SparseGen.Model.Graph;

namespace SparseGen.Model.Evaluation;

/// <summary>y = x·Wᵀ + b over the last axis; every leading axis (batch included) is a row.</summary>
internal static class DenseReference
{
    public static void Run(DenseOperation dense, float[] input, float[] output, bool skipZeroWeights)
    {
        int inFeatures = dense.InputFeatures, outFeatures = dense.OutputFeatures;
        var weights = dense.Weight.Data;
        var rows = input.Length / inFeatures;
        for (var row = 0; row < rows; row++)
        {
            var inputRow = row * inFeatures;
            var outputRow = row * outFeatures;
            for (var m = 0; m < outFeatures; m++)
            {
                var weightRow = m * inFeatures;
                var sum = 0.0;
                for (var k = 0; k < inFeatures; k++)
                {
                    double weight = weights[weightRow + k];
                    if (!skipZeroWeights || weight != 0.0)
                    {
                        sum += weight * input[inputRow + k];
                    }
                }

                double bias = dense.Bias is null ? 0.0 : dense.Bias[m];
                output[outputRow + m] = dense.Activation.Apply((float)(sum + bias));
            }
        }
    }
}
