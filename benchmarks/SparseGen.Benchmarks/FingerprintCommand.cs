using System;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SparseGen.Benchmarks;

/// <summary>
/// <c>fingerprint [MODEL …]</c>: the SHA-256 of every compiled model's outputs for 64 seeded samples, through Predict,
/// Predict with intra-op threads and PredictBatch. Two builds whose lines are equal compute the same bits: run it
/// before and after a change to the generator that should not change any number.
/// </summary>
internal static class FingerprintCommand
{
    private const int Samples = 64;

    public static int Run(string[] args)
    {
        foreach (var model in ModelCatalog.All.Where(m => args.Length == 0 || args.Contains(m.Name)).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var inputs = Enumerable.Range(0, Samples).SelectMany(sample => RandomInputs.Create(model.InputLength, seed: sample + 1)).ToArray();
            var single = new float[Samples * model.OutputLength];
            var threaded = new float[Samples * model.OutputLength];
            var batch = new float[Samples * model.OutputLength];
            for (var sample = 0; sample < Samples; sample++)
            {
                var input = inputs.AsSpan(sample * model.InputLength, model.InputLength);
                model.Predict(input, single.AsSpan(sample * model.OutputLength, model.OutputLength));
                model.PredictThreaded(input, threaded.AsSpan(sample * model.OutputLength, model.OutputLength), Environment.ProcessorCount);
            }

            model.PredictBatch(inputs, batch, Samples);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model.Name,-20} Predict {Hash(single)}  threaded {Hash(threaded)}  PredictBatch {Hash(batch)}"));
        }

        return 0;
    }

    private static string Hash(float[] values) => Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())))[..16];
}
