using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;

namespace SparseGen.Cli;

/// <summary>
/// <c>sparsegen compare model.onnx</c>: the reference evaluator (on the graph as read and after the exact
/// passes) and ONNX Runtime on the same seeded random inputs; exit 1 when they differ beyond the tolerance.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<FileInfo>("model") { Description = "The ONNX model file." };
        var samples = new Option<int>("--samples") { Description = "Random inputs to compare (one batch).", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random inputs.", DefaultValueFactory = _ => 1 };
        var tolerance = new Option<float>("--tolerance") { Description = "Largest allowed absolute difference of any output.", DefaultValueFactory = _ => 1e-4f };
        var command = new Command("compare", "Run the reference evaluator and ONNX Runtime on the same random inputs and report the largest difference and argmax agreement.")
        {
            model, samples, seed, tolerance,
        };
        command.SetAction(parse =>
        {
            var count = parse.GetValue(samples);
            if (count < 1 || count > 100_000)
            {
                stderr.WriteLine("error: --samples must be between 1 and 100,000.");
                return CommandLine.ModelOrUsageError;
            }

            var file = parse.GetValue(model)!;
            var graph = ModelFile.Load(file, stderr);
            return graph is null
                ? CommandLine.ModelOrUsageError
                : Compare(file, graph, count, parse.GetValue(seed), parse.GetValue(tolerance), stdout, stderr);
        });
        return command;
    }

    private static int Compare(FileInfo file, ModelGraph graph, int count, int seed, float tolerance, TextWriter stdout, TextWriter stderr)
    {
        var input = NormalInputs(seed, count * graph.InputLength);
        float[] reference;
        try
        {
            reference = RunOnnxRuntime(file.FullName, graph, input, count);
        }
        catch (OnnxRuntimeException e)
        {
            stderr.WriteLine($"error: ONNX Runtime cannot run '{file.Name}': {e.Message}");
            return CommandLine.ModelOrUsageError;
        }

        var culture = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(culture, $"{file.Name}: {count} random inputs (seed {seed}), batch {count}, tolerance {tolerance:G3}"));
        var agree = true;
        foreach (var (name, candidate) in new[] { ("evaluator", graph), ("evaluator, optimized graph", GraphOptimizer.Optimize(graph)) })
        {
            var actual = ReferenceEvaluator.Run(candidate, input, count);
            var differences = actual.Zip(reference, (a, b) => Math.Abs(a - b)).ToArray();
            var max = differences.Max();
            var mean = differences.Average();
            var argmax = Enumerable.Range(0, count).Count(i => ArgMax(actual, i, graph.OutputLength) == ArgMax(reference, i, graph.OutputLength));
            var ok = max <= tolerance && !float.IsNaN(max);
            agree &= ok;
            stdout.WriteLine(string.Create(culture, $"  {name,-27} vs ONNX Runtime: max |diff| {max:0.00E+00}, mean |diff| {mean:0.00E+00}, argmax agrees {argmax}/{count}  {(ok ? "OK" : "DIFFERENT")}"));
        }

        if (!agree)
        {
            stderr.WriteLine(string.Create(culture, $"error: SparseGen and ONNX Runtime differ by more than {tolerance:G3} on '{file.Name}'."));
        }

        return agree ? CommandLine.Success : CommandLine.Disagreement;
    }

    private static float[] RunOnnxRuntime(string path, ModelGraph graph, float[] input, int count)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(path, options);
        var shape = new long[] { count }.Concat(graph.InputShape.Select(d => (long)d)).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { session.InputNames[0] }, new[] { value }, new[] { session.OutputNames[0] });
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Standard normal values (Box–Muller), the distribution of normalised images and activations.</summary>
    private static float[] NormalInputs(int seed, int length)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return values;
    }

    private static int ArgMax(float[] values, int sample, int length)
    {
        var best = 0;
        for (var i = 1; i < length; i++)
        {
            if (values[sample * length + i] > values[sample * length + best])
            {
                best = i;
            }
        }

        return best;
    }
}
