using System;
using System.Globalization;
using System.Linq;

namespace SparseGen.Model.Tests.Infrastructure;

/// <summary>
/// Inputs that hold NaN, ±∞, huge values and −0 among ordinary ones, and the comparisons that judge outputs made
/// from them: NaN only where NaN is expected, infinities of the expected sign, finite values close in relative terms.
/// </summary>
internal static class SpecialValues
{
    /// <summary>Large enough to matter, small enough that no sum of a test model's products overflows float.</summary>
    public const float Huge = 1e30f;

    /// <summary>Relative (and, below 1, absolute) tolerance of a finite output.</summary>
    public const float Tolerance = 1e-4f;

    /// <summary>The kinds of sample <see cref="Inputs"/> makes, in turn.</summary>
    public const int SampleKinds = 3;

    /// <summary>
    /// <paramref name="batch"/> samples of <paramref name="length"/> floats, uniform in [−2, 2) but for, in turn:
    /// NaN, +∞, −∞, +<see cref="Huge"/> and −0 sprinkled at every few positions; ±∞ and −<see cref="Huge"/> without
    /// NaN; one NaN in the middle of the sample.
    /// </summary>
    public static float[] Inputs(int seed, int batch, int length)
    {
        var values = RandomData.Floats(seed, batch * length, -2f, 2f);
        for (var sample = 0; sample < batch; sample++)
        {
            var sampleValues = values.AsSpan(sample * length, length);
            switch (sample % SampleKinds)
            {
                case 0:
                    Sprinkle(sampleValues, withNaN: true);
                    break;
                case 1:
                    Sprinkle(sampleValues, withNaN: false);
                    break;
                default:
                    sampleValues[length / 2] = float.NaN;
                    break;
            }
        }

        return values;
    }

    /// <summary>Whether sample <paramref name="sample"/> of <see cref="Inputs"/> holds a NaN.</summary>
    public static bool HasNaN(int sample) => sample % SampleKinds != 1;

    /// <summary>Fails unless the arrays agree as IEEE values: NaN with NaN, ∞ with the same ∞, finite values within <see cref="Tolerance"/>.</summary>
    public static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Agree(expected[i], actual[i]), Describe(what, i, expected[i], actual[i]));
        }
    }

    /// <summary>
    /// Fails unless <paramref name="actual"/> lies between the outputs with zero weights skipped and with them multiplied:
    /// NaN wherever the skipped outputs are NaN (a NaN reaches every output it reaches through a nonzero weight), NaN or
    /// the skipped value where only the multiplied outputs are NaN (a kernel may multiply the zeros inside a vector it
    /// keeps, as ONNX Runtime multiplies them all), and the value both agree on everywhere else.
    /// </summary>
    public static void AssertWithinZeroWeightBounds(float[] skipped, float[] multiplied, float[] actual, string what)
    {
        Assert.Equal(skipped.Length, actual.Length);
        Assert.Equal(multiplied.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            var agrees = Agree(skipped[i], actual[i]) || (float.IsNaN(multiplied[i]) && float.IsNaN(actual[i]));
            Assert.True(agrees, Describe(what, i, skipped[i], actual[i]) + string.Create(CultureInfo.InvariantCulture, $" (with zero weights multiplied: {multiplied[i]})"));
        }
    }

    /// <summary>
    /// Fails unless <paramref name="actual"/> equals <paramref name="onnxRuntime"/> wherever ONNX Runtime's output is not
    /// NaN. Skipping a zero weight can only keep a NaN (0 · NaN, 0 · ∞) out of an output, never put one in or change a
    /// number, so these outputs must agree exactly as on ordinary inputs.
    /// </summary>
    public static void AssertAgreesWhereNotNaN(float[] onnxRuntime, float[] actual, string what)
    {
        Assert.Equal(onnxRuntime.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.True(float.IsNaN(onnxRuntime[i]) || Agree(onnxRuntime[i], actual[i]), Describe(what, i, onnxRuntime[i], actual[i]));
        }
    }

    /// <summary>How many of the values are NaN, +∞ and −∞: tests check that special inputs reached the outputs at all.</summary>
    public static (int NaN, int PositiveInfinity, int NegativeInfinity) Count(float[] values) =>
        (values.Count(float.IsNaN), values.Count(float.IsPositiveInfinity), values.Count(float.IsNegativeInfinity));

    private static void Sprinkle(Span<float> values, bool withNaN)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (withNaN && i % 7 == 3)
            {
                values[i] = float.NaN;
            }
            else if (i % 11 == 5)
            {
                values[i] = float.PositiveInfinity;
            }
            else if (i % 13 == 8)
            {
                values[i] = float.NegativeInfinity;
            }
            else if (i % 5 == 1)
            {
                // One sign per sample: +Huge and −Huge in one window would cancel, and the float sums of ONNX Runtime
                // and of generated code keep less of what is left than the reference's double sums.
                values[i] = withNaN ? Huge : -Huge;
            }
            else if (i % 17 == 9)
            {
                values[i] = -0f;
            }
        }
    }

    private static bool Agree(float expected, float actual)
    {
        if (float.IsNaN(expected) || float.IsNaN(actual))
        {
            return float.IsNaN(expected) && float.IsNaN(actual);
        }

        if (float.IsInfinity(expected) || float.IsInfinity(actual))
        {
            return expected == actual;
        }

        return Math.Abs(expected - actual) <= Tolerance * Math.Max(1f, Math.Abs(expected));
    }

    private static string Describe(string what, int index, float expected, float actual) =>
        string.Create(CultureInfo.InvariantCulture, $"{what}: output {index} is {actual:R}, expected {expected:R}");
}
