using System;
using System.Linq;

namespace SparseGen.Benchmarks;

internal static class RandomInputs
{
    /// <summary>Uniform in [-1, 1), the same for a given length and seed on every run.</summary>
    public static float[] Create(int length, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
