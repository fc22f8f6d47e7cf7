using SparseGen.Model.Graph;

namespace SparseGen.Model.Evaluation;

/// <summary>The elementwise ops: residual add, add of a per-sample constant, standalone activation.</summary>
internal static class ElementwiseReference
{
    public static void Add(float[] left, float[] right, Activation activation, float[] output)
    {
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = activation.Apply(left[i] + right[i]);
        }
    }

    /// <summary>Adds the same per-sample <paramref name="constant"/> to every sample.</summary>
    public static void AddConstant(float[] input, float[] constant, float[] output)
    {
        for (int i = 0, c = 0; i < output.Length; i++, c = c + 1 == constant.Length ? 0 : c + 1)
        {
            output[i] = input[i] + constant[c];
        }
    }

    public static void Apply(float[] input, Activation activation, float[] output)
    {
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = activation.Apply(input[i]);
        }
    }

    /// <summary>Mean over each H×W plane: [N, C, H, W] to [N, C].</summary>
    public static void GlobalAverage(float[] input, int planeSize, float[] output)
    {
        for (var plane = 0; plane < output.Length; plane++)
        {
            var sum = 0.0;
            var start = plane * planeSize;
            for (var i = 0; i < planeSize; i++)
            {
                sum += input[start + i];
            }

            output[plane] = (float)(sum / planeSize);
        }
    }
}
