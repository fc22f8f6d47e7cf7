using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using SparseGen.Model;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
using Spectre.Console;

namespace SparseGen.Cli;

/// <summary>
/// <c>sparsegen compare model.onnx</c>: the reference evaluator (on the graph as read and after the exact
/// passes) and ONNX Runtime on the same seeded random inputs; exit 1 when they differ beyond the tolerance.
/// The samples stream through in batches, so memory stays bounded however many are asked for.
/// </summary>
internal static class CompareCommand
{
    /// <summary>The most samples one run compares: about an hour of the reference evaluator on a small model.</summary>
    public const int MaxSamples = 10_000_000;

    /// <summary>Floats of activations one batch may hold at once in the reference evaluator (256 MB).</summary>
    private const long BatchFloatBudget = 64L * 1024 * 1024;

    private const int MaxBatch = 256;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<FileInfo>("model") { Description = "The ONNX model file." };
        var samples = new Option<int>("--samples") { Description = "Random inputs to compare; they run in batches, so memory stays bounded.", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random inputs.", DefaultValueFactory = _ => 1 };
        var tolerance = new Option<float>("--tolerance") { Description = "Largest allowed absolute difference of any output.", DefaultValueFactory = _ => 1e-4f };
        var command = new Command("compare", "Run the reference evaluator and ONNX Runtime on the same random inputs and report the largest difference and argmax agreement.")
        {
            model, samples, seed, tolerance,
        };
        command.SetAction(parse =>
        {
            var count = parse.GetValue(samples);
            if (count < 1 || count > MaxSamples)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: --samples must be between 1 and {MaxSamples:N0}, not {count:N0}."));
                return CommandLine.ModelOrUsageError;
            }

            var limit = parse.GetValue(tolerance);
            if (!(limit >= 0f))
            {
                stderr.WriteLine("error: --tolerance must be a number of at least 0.");
                return CommandLine.ModelOrUsageError;
            }

            var file = parse.GetValue(model)!;
            var graph = ModelFile.Load(file, stderr);
            return graph is null
                ? CommandLine.ModelOrUsageError
                : Compare(file, graph, count, parse.GetValue(seed), limit, stdout, stderr);
        });
        return command;
    }

    private static int Compare(FileInfo file, ModelGraph graph, int count, int seed, float tolerance, TextWriter stdout, TextWriter stderr)
    {
        InferenceSession session;
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            session = new InferenceSession(file.FullName, options);
        }
        catch (OnnxRuntimeException e)
        {
            stderr.WriteLine($"error: ONNX Runtime cannot load '{file.Name}': {e.Message}");
            return CommandLine.ModelOrUsageError;
        }

        using (session)
        {
            if (session.InputNames.Count != 1 || session.OutputNames.Count != 1)
            {
                stderr.WriteLine($"error: '{file.Name}' has {session.InputNames.Count} inputs and {session.OutputNames.Count} outputs; compare runs models with one of each.");
                return CommandLine.ModelOrUsageError;
            }

            var fixedBatch = session.InputMetadata[session.InputNames[0]].Dimensions is { Length: > 0 } dimensions && dimensions[0] > 0 ? dimensions[0] : 0;
            var batch = fixedBatch > 0 ? fixedBatch : BatchFor(graph, count);
            if ((long)batch * LargestValue(graph) > int.MaxValue)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: one batch of {batch} samples of '{file.Name}' holds a value larger than one array can ({LargestValue(graph):N0} floats a sample); the reference evaluator cannot run it."));
                return CommandLine.ModelOrUsageError;
            }

            var culture = CultureInfo.InvariantCulture;
            var batchNote = fixedBatch > 0 ? $"batch {batch} (fixed by the model)" : $"batches of {batch}";
            stdout.WriteLine(string.Create(culture, $"{file.Name}: {count:N0} random inputs (seed {seed}), {batchNote}, tolerance {tolerance:G3}"));
            var candidates = new[] { ("evaluator", graph), ("evaluator, optimized graph", GraphOptimizer.Optimize(graph)) };
            var statistics = candidates.Select(_ => new Agreement(graph.OutputLength)).ToArray();
            try
            {
                WithProgress(stdout, count, advance =>
                {
                    var inputs = new NormalInputs(seed);
                    var input = new float[batch * graph.InputLength];
                    for (var done = 0; done < count; done += batch)
                    {
                        var samples = Math.Min(batch, count - done);
                        inputs.Fill(input.AsSpan(0, samples * graph.InputLength));
                        // A model with a fixed batch runs whole batches; the samples past the count are zeros, not compared.
                        var run = fixedBatch > 0 ? batch : samples;
                        var slice = run == batch ? input : input.AsSpan(0, run * graph.InputLength).ToArray();
                        var expected = RunOnnxRuntime(session, graph, slice, run);
                        for (var c = 0; c < candidates.Length; c++)
                        {
                            // The inputs are finite, so skipping zero weights changes no output and saves their time.
                            statistics[c].Add(ReferenceEvaluator.Run(candidates[c].Item2, slice, run, ZeroWeights.Skipped), expected, samples);
                        }

                        advance(samples);
                    }
                });
            }
            catch (OnnxRuntimeException e)
            {
                stderr.WriteLine($"error: ONNX Runtime cannot run '{file.Name}': {e.Message}");
                return CommandLine.ModelOrUsageError;
            }
            catch (ModelException e)
            {
                stderr.WriteLine($"{file.Name}: error {e.Error}");
                return CommandLine.ModelOrUsageError;
            }

            var agree = true;
            for (var c = 0; c < candidates.Length; c++)
            {
                var s = statistics[c];
                var ok = s.MaxDifference <= tolerance && s.NaNMismatches == 0;
                agree &= ok;
                var nan = s.NaNMismatches > 0 ? string.Create(culture, $", NaN on one side only {s.NaNMismatches:N0}") : "";
                stdout.WriteLine(string.Create(
                    culture,
                    $"  {candidates[c].Item1,-27} vs ONNX Runtime: max |diff| {s.MaxDifference:0.00E+00}, mean |diff| {s.MeanDifference:0.00E+00}, argmax agrees {s.ArgMaxAgreements}/{s.Samples}{nan}  {(ok ? "OK" : "DIFFERENT")}"));
            }

            if (!agree)
            {
                stderr.WriteLine(string.Create(culture, $"error: SparseGen and ONNX Runtime differ by more than {tolerance:G3} on '{file.Name}'."));
            }

            return agree ? CommandLine.Success : CommandLine.Disagreement;
        }
    }

    /// <summary>Samples a batch takes: as many as the activation budget allows, at most <see cref="MaxBatch"/> and the count.</summary>
    internal static int BatchFor(ModelGraph graph, int count)
    {
        var perSample = Math.Max(1L, graph.Shapes.Values.Sum(shape => (long)ShapeInference.ElementCount(shape)));
        return (int)Math.Max(1, Math.Min(Math.Min(MaxBatch, count), BatchFloatBudget / perSample));
    }

    private static long LargestValue(ModelGraph graph) => graph.Shapes.Values.Max(shape => (long)ShapeInference.ElementCount(shape));

    /// <summary>Runs <paramref name="action"/> under a progress bar on a terminal, plainly elsewhere; it reports samples done.</summary>
    private static void WithProgress(TextWriter stdout, int count, Action<Action<int>> action)
    {
        if (!ReferenceEquals(stdout, Console.Out) || Console.IsOutputRedirected)
        {
            action(_ => { });
            return;
        }

        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("comparing", maxValue: count);
                action(samples => task.Increment(samples));
            });
    }

    private static float[] RunOnnxRuntime(InferenceSession session, ModelGraph graph, float[] input, int count)
    {
        var shape = new long[] { count }.Concat(graph.InputShape.Select(d => (long)d)).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { session.InputNames[0] }, new[] { value }, new[] { session.OutputNames[0] });
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Standard normal values (Box–Muller), the distribution of normalised images and activations, as a stream.</summary>
    private sealed class NormalInputs(int seed)
    {
        private readonly Random _random = new(seed);

        public void Fill(Span<float> values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var u1 = 1.0 - _random.NextDouble();
                var u2 = _random.NextDouble();
                values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
            }
        }
    }

    /// <summary>Running statistics of one candidate against ONNX Runtime, batch after batch.</summary>
    private sealed class Agreement(int outputLength)
    {
        private double _sum;
        private long _values;

        public float MaxDifference { get; private set; }

        public double MeanDifference => _values == 0 ? 0 : _sum / _values;

        public long ArgMaxAgreements { get; private set; }

        public long Samples { get; private set; }

        /// <summary>Outputs that are NaN on one side and a number on the other.</summary>
        public long NaNMismatches { get; private set; }

        /// <summary>Adds the first <paramref name="samples"/> samples of a batch.</summary>
        public void Add(float[] actual, float[] expected, int samples)
        {
            for (var i = 0; i < samples * outputLength; i++)
            {
                if (float.IsNaN(actual[i]) || float.IsNaN(expected[i]))
                {
                    NaNMismatches += float.IsNaN(actual[i]) == float.IsNaN(expected[i]) ? 0 : 1;
                    continue;
                }

                // ∞ − ∞ is NaN: equal infinities differ by nothing.
                var difference = actual[i] == expected[i] ? 0f : Math.Abs(actual[i] - expected[i]);
                MaxDifference = Math.Max(MaxDifference, difference);
                _sum += difference;
                _values++;
            }

            for (var sample = 0; sample < samples; sample++)
            {
                ArgMaxAgreements += ArgMax(actual, sample) == ArgMax(expected, sample) ? 1 : 0;
            }

            Samples += samples;
        }

        private int ArgMax(float[] values, int sample)
        {
            var best = 0;
            for (var i = 1; i < outputLength; i++)
            {
                if (values[(sample * outputLength) + i] > values[(sample * outputLength) + best])
                {
                    best = i;
                }
            }

            return best;
        }
    }
}
