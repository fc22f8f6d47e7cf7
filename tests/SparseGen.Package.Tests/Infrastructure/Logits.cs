using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using SparseGen.Model;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Package.Tests.Infrastructure;

/// <summary>The float32 files the consumer app reads and writes, and the comparisons made on them.</summary>
internal static class Logits
{
    /// <summary>The tolerance every SparseGen result is held to against ONNX Runtime.</summary>
    public const float Tolerance = 1e-4f;

    public static float[] Read(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    public static void Write(string path, float[] values) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>
    /// Seeded inputs with the spread of normalised images, the last <paramref name="special"/> of them holding NaN, ±∞
    /// and huge values (<see cref="SpecialValues.Inputs"/>).
    /// </summary>
    public static float[] RandomInputs(int count, int length, int seed, int special)
    {
        var random = new Random(seed);
        var values = new float[count * length];
        for (var i = 0; i < (count - special) * length; i++)
        {
            values[i] = (float)(random.NextDouble() * 4 - 2);
        }

        SpecialValues.Inputs(seed, special, length).CopyTo(values, (count - special) * length);
        return values;
    }

    /// <summary>
    /// What a model's outputs must be for <paramref name="inputs"/>: ONNX Runtime's, run in this process, and the reference
    /// evaluator's with zero weights skipped and multiplied, which bound where a NaN or infinity may reach.
    /// </summary>
    public static ExpectedLogits Expected(string modelPath, float[] inputs, int[] sampleShape, int special)
    {
        var graph = ModelLoader.LoadFile(modelPath).Graph ?? throw new InvalidOperationException(modelPath + " does not load");
        var count = inputs.Length / graph.InputLength;
        return new ExpectedLogits(
            OnnxRuntime(modelPath, inputs, sampleShape),
            ReferenceEvaluator.Run(graph, inputs, count, ZeroWeights.Skipped),
            ReferenceEvaluator.Run(graph, inputs, count, ZeroWeights.Multiplied),
            (count - special) * graph.OutputLength);
    }

    /// <summary>
    /// Fails unless <paramref name="actual"/> is what <paramref name="expected"/> allows: ONNX Runtime's outputs within
    /// <see cref="Tolerance"/> on the ordinary samples; on the special ones, ONNX Runtime's wherever it is not NaN, and NaN
    /// exactly where the reference evaluator's bounds put it.
    /// </summary>
    public static void AssertMatches(ExpectedLogits expected, float[] actual, string what)
    {
        var ordinary = expected.OrdinaryLength;
        AssertClose(expected.OnnxRuntime[..ordinary], actual[..ordinary], what);
        SpecialValues.AssertAgreesWhereNotNaN(expected.OnnxRuntime[ordinary..], actual[ordinary..], what + ", NaN and infinite inputs, vs ONNX Runtime");
        SpecialValues.AssertWithinZeroWeightBounds(expected.Skipped[ordinary..], expected.Multiplied[ordinary..], actual[ordinary..], what + ", NaN and infinite inputs, vs the reference evaluator");
    }

    /// <summary>Two builds of one app: the same numbers within <see cref="Tolerance"/>, NaN and infinities in the same places.</summary>
    public static void AssertSameOutputs(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} logits, expected {expected.Length}");
        SpecialValues.AssertClose(expected, actual, what);
    }

    /// <summary>ONNX Runtime's outputs for inputs of shape [count, ...inputShape], run in this process.</summary>
    public static float[] OnnxRuntime(string modelPath, float[] inputs, int[] sampleShape)
    {
        var sampleLength = sampleShape.Aggregate(1, (a, b) => a * b);
        var shape = new long[] { inputs.Length / sampleLength }.Concat(sampleShape.Select(d => (long)d)).ToArray();
        using var session = new InferenceSession(modelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { session.InputNames[0] }, new[] { input }, new[] { session.OutputNames[0] });
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Fails unless both have the same length and differ by at most <see cref="Tolerance"/> everywhere.</summary>
    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} logits, expected {expected.Length}");
        var worst = 0;
        for (var i = 1; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - actual[i]) > Math.Abs(expected[worst] - actual[worst]))
            {
                worst = i;
            }
        }

        var difference = Math.Abs(expected[worst] - actual[worst]);
        Assert.True(difference <= Tolerance, $"{what}: logit {worst} is {actual[worst]}, expected {expected[worst]} (difference {difference:E2} > {Tolerance:E0})");
    }

    /// <summary>How many values are bit for bit equal, for the test log.</summary>
    public static int BitIdentical(float[] a, float[] b) =>
        a.Zip(b).Count(pair => BitConverter.SingleToInt32Bits(pair.First) == BitConverter.SingleToInt32Bits(pair.Second));
}

/// <summary>The outputs a model must give: ONNX Runtime's, and the reference evaluator's with zero weights skipped and multiplied.</summary>
/// <param name="OrdinaryLength">Outputs of the samples without special values, which come first.</param>
public sealed record ExpectedLogits(float[] OnnxRuntime, float[] Skipped, float[] Multiplied, int OrdinaryLength);
