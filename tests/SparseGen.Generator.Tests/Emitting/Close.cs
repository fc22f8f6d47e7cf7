using System;

namespace SparseGen.Generator.Tests.Emitting;

internal static class Close
{
    public const float Tolerance = 1e-4f;

    /// <summary>Fails unless both arrays have one length and differ by at most <see cref="Tolerance"/> everywhere.</summary>
    public static void Assert(float[] expected, float[] actual, string what)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= worst))
            {
                worst = diff;
                at = i;
            }
        }

        Xunit.Assert.True(worst <= Tolerance, $"{what}: max abs diff {worst} at {at}: expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}");
    }
}
