using System;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Evaluation;

/// <summary>Inference-mode batch normalisation per channel (the first per-sample axis).</summary>
internal static class BatchNormReference
{
    public static void Run(BatchNormOperation batchNorm, int[] shape, float[] input, float[] output, bool skipZeroWeights)
    {
        var channels = shape[0];
        var perChannel = 1;
        for (var i = 1; i < shape.Length; i++)
        {
            perChannel *= shape[i];
        }

        var index = 0;
        var batch = input.Length / (channels * perChannel);
        for (var n = 0; n < batch; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                double mean = batchNorm.Mean[c];
                var factor = batchNorm.Scale[c] / Math.Sqrt(batchNorm.Variance[c] + (double)batchNorm.Epsilon);
                double bias = batchNorm.Bias[c];
                var absent = skipZeroWeights && factor == 0.0;
                for (var i = 0; i < perChannel; i++, index++)
                {
                    output[index] = absent ? (float)bias : (float)(((input[index] - mean) * factor) + bias);
                }
            }
        }
    }
}
