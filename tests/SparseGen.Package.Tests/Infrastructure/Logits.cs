using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace SparseGen.Package.Tests.Infrastructure;

/// <summary>The float32 files the consumer app reads and writes, and the comparisons made on them.</summary>
internal static class Logits
{
    /// <summary>The tolerance every SparseGen result is held to against ONNX Runtime.</summary>
    public const float Tolerance = 1e-4f;

    public static float[] Read(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    public static void Write(string path, float[] values) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>Seeded inputs with the spread of normalised images.</summary>
    public static float[] RandomInputs(int count, int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[count * length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 4 - 2);
        }

        return values;
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
    public static void AssertClose(float[] expected, float[] actual, string what)
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
