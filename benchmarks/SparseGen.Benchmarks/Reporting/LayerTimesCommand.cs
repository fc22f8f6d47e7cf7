using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace SparseGen.Benchmarks.Reporting;

/// <summary>
/// Where a model's time goes: every layer's generated methods (SparseGenKernels.Layer{N}…, private, reached by
/// reflection) timed on their own, at the SIMD width the CPU would pick, after one Predict has filled the arena.
/// Each layer runs with its inputs and tables warm in cache, so the sum is below Predict's time, which also pays
/// for the layers evicting each other; a profile to direct work, not a benchmark (BenchmarkDotNet times Predict).
/// </summary>
internal static class LayerTimesCommand
{
    private delegate void LayerMethod(Span<float> arena);

    private delegate void RangedLayerMethod(Span<float> arena, int from, int to);

    private const int CallsPerRound = 200;
    private const int Rounds = 15;

    public static int Run(string[] args)
    {
        var names = args.Length > 0 ? args : ModelCatalog.MainModels.ToArray();
        var report = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        report.AppendLine("# Time per layer (best of " + Rounds + " rounds of " + CallsPerRound + " calls, µs)").AppendLine();
        foreach (var name in names)
        {
            var model = ModelCatalog.Get(name);
            var type = typeof(ModelCatalog).Assembly.GetType("SparseGen.Benchmarks." + name, throwOnError: true)!;
            var input = RandomInputs.Create(model.InputLength);
            var output = new float[model.OutputLength];
            var predict = Best(() => model.Predict(input, output));
            var layers = (IReadOnlyList<LayerInfo>)type.GetProperty("Layers")!.GetValue(null)!;

            report.AppendLine(culture, $"## {name} ({model.Description}): Predict {predict:F2} µs").AppendLine();
            report.AppendLine("| layer | op | strategy | methods | µs | share of Predict | MACs kept | GMAC/s |");
            report.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
            double sum = 0;
            foreach (var (number, methods) in LayerMethods(type))
            {
                var (arena, start) = Arena(type);
                void CallLayer()
                {
                    foreach (var method in methods)
                    {
                        method(arena.AsSpan(start));
                    }
                }

                model.Predict(input, output);
                var time = Best(CallLayer);
                sum += time;
                var layer = layers[number - 1];
                var rate = layer.SparseMacs > 0 ? (layer.SparseMacs / time / 1000).ToString("F1", culture) : "";
                report.AppendLine(culture, $"| {number} {layer.Name} | {layer.OpType} | {layer.Strategy} | {methods.Count} | {time:F2} | {time / predict:P0} | {layer.SparseMacs:N0} | {rate} |");
            }

            report.AppendLine(culture, $"| sum | | | | {sum:F2} | {sum / predict:P0} | | |").AppendLine();
        }

        Console.Write(report.ToString());
        var folder = Path.Combine("BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "layer-times.md"), report.ToString());
        Console.WriteLine("Written to " + Path.Combine(folder, "layer-times.md"));
        return 0;
    }

    private static double Best(Action call)
    {
        for (var i = 0; i < CallsPerRound; i++)
        {
            call();
        }

        var best = double.MaxValue;
        for (var round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < CallsPerRound; i++)
            {
                call();
            }

            best = Math.Min(best, clock.Elapsed.TotalMicroseconds / CallsPerRound);
        }

        return best;
    }

    private static Type Kernels(Type model) => model.GetNestedType("SparseGenKernels", BindingFlags.NonPublic)!;

    /// <summary>The calling thread's arena array and where the arena starts in it (Predict's, at its 64-byte boundary).</summary>
    private static (float[] Array, int Start) Arena(Type model)
    {
        var kernels = Kernels(model);
        var array = (float[])kernels.GetMethod("ArenaArray", BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, null)!;
        return (array, SparseGen.Kernels.AlignedArrays.AlignedStart(array));
    }

    /// <summary>The layer methods by layer number, parts in order, instantiated at the width Run would pick (not PredictBatch's kernels in lanes).</summary>
    private static IEnumerable<(int Number, List<LayerMethod> Methods)> LayerMethods(Type model)
    {
        var kernels = Kernels(model);
        var (vector, lanes) = Width(kernels);
        return kernels.GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name.StartsWith("Layer", StringComparison.Ordinal) && char.IsDigit(m.Name[5]) && !m.Name.EndsWith("Lanes", StringComparison.Ordinal))
            .Select(m => (Method: m, Number: int.Parse(new string(m.Name.Skip(5).TakeWhile(char.IsDigit).ToArray()), CultureInfo.InvariantCulture),
                Part: m.Name.Contains("Part", StringComparison.Ordinal) ? int.Parse(m.Name[(m.Name.LastIndexOf("Part", StringComparison.Ordinal) + 4)..], CultureInfo.InvariantCulture) : 0))
            .GroupBy(m => m.Number)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.OrderBy(m => m.Part).Select(m => Callable(m.Method.IsGenericMethodDefinition ? m.Method.MakeGenericMethod(vector, lanes) : m.Method)).ToList()));

        // A method of ranged parts (arena, from = first, to = end) runs its whole range, as Run calls it.
        static LayerMethod Callable(MethodInfo method)
        {
            var parameters = method.GetParameters();
            if (parameters.Length == 1)
            {
                return method.CreateDelegate<LayerMethod>();
            }

            var ranged = method.CreateDelegate<RangedLayerMethod>();
            int from = (int)parameters[1].DefaultValue!, to = (int)parameters[2].DefaultValue!;
            return arena => ranged(arena, from, to);
        }
    }

    /// <summary>The width Run picks on this CPU: the widest lanes struct that says it is supported.</summary>
    private static (Type Vector, Type Lanes) Width(Type kernels) =>
        SparseGen.Kernels.Lanes512.IsSupported ? (typeof(Vector512<float>), typeof(SparseGen.Kernels.Lanes512))
        : SparseGen.Kernels.Lanes256.IsSupported ? (typeof(Vector256<float>), typeof(SparseGen.Kernels.Lanes256))
        : SparseGen.Kernels.Lanes128.IsSupported ? (typeof(Vector128<float>), typeof(SparseGen.Kernels.Lanes128))
        : (typeof(float), typeof(SparseGen.Kernels.Lanes1));
}
