using System;

namespace SparseGen.Model.Tests.Infrastructure;

/// <summary>Seeded random tensors, so every test run sees the same numbers.</summary>
internal static class RandomData
{
    /// <summary><paramref name="count"/> floats uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public static float[] Floats(int seed, int count, float min = -1f, float max = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(min + (random.NextDouble() * (max - min)));
        }

        return values;
    }

    /// <summary>
    /// Pruned weights: exactly <c>round(count × zeroFraction)</c> elements are 0 at random positions;
    /// the others have magnitude in [0.05, 1) × <paramref name="scale"/> and a random sign, so none is 0.
    /// </summary>
    public static float[] SparseWeights(int seed, int count, double zeroFraction, float scale = 1f)
    {
        if (zeroFraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(zeroFraction), zeroFraction, "a fraction is between 0 and 1");
        }

        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            var magnitude = (float)(0.05 + (random.NextDouble() * 0.95)) * scale;
            values[i] = random.Next(2) == 0 ? magnitude : -magnitude;
        }

        // A partial Fisher-Yates shuffle of positions picks the zeros without repeats.
        var positions = new int[count];
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = i;
        }

        var zeros = (int)Math.Round(count * zeroFraction);
        for (var i = 0; i < zeros; i++)
        {
            var j = random.Next(i, count);
            (positions[i], positions[j]) = (positions[j], positions[i]);
            values[positions[i]] = 0f;
        }

        return values;
    }
}
