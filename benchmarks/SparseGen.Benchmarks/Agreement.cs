using System;
using System.Linq;

namespace SparseGen.Benchmarks;

/// <summary>Every runtime must compute the same thing before any is timed.</summary>
internal static class Agreement
{
    public const float Tolerance = 1e-4f;

    /// <summary>Throws unless every pair of outputs agrees within <see cref="Tolerance"/> (absolute, element by element).</summary>
    public static void Require(string what, params (string Runtime, float[] Output)[] outputs)
    {
        for (var i = 0; i < outputs.Length; i++)
        {
            for (var j = i + 1; j < outputs.Length; j++)
            {
                var difference = outputs[i].Output.Zip(outputs[j].Output, (a, b) => Math.Abs(a - b)).Max();
                if (!(difference <= Tolerance))
                {
                    throw new InvalidOperationException($"{what}: {outputs[i].Runtime} and {outputs[j].Runtime} differ by {difference}");
                }
            }
        }
    }
}
