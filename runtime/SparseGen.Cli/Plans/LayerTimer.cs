using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics;
using SparseGen.Kernels;

namespace SparseGen.Cli.Plans;

/// <summary>
/// Where a generated model's time goes: every layer's methods (<c>SparseGenKernels.Layer{N}…</c>, private, reached by
/// reflection) timed on their own, at the SIMD width <c>Run</c> picks on this CPU, after one Predict has filled the
/// arena. Each layer runs with its inputs and tables warm in cache, so the sum is below Predict's time, which also pays
/// for the layers evicting each other: a profile to direct work, not a benchmark (BenchmarkDotNet times Predict).
/// </summary>
internal static class LayerTimer
{
    private delegate void PredictFunction(ReadOnlySpan<float> input, Span<float> output);

    private delegate void LayerMethod(Span<float> arena);

    private delegate void RangedLayerMethod(Span<float> arena, int from, int to);

    private const int CallsPerRound = 200;
    private const int Rounds = 15;

    /// <summary>How a time is taken, for reports.</summary>
    public static readonly string Method = FormattableString.Invariant($"best of {Rounds} rounds of {CallsPerRound} calls");

    /// <summary>Predict's time and each layer's (by its 1-based number, with its methods' count), in microseconds.</summary>
    public sealed record Times(double Predict, IReadOnlyDictionary<int, (double Microseconds, int Methods)> Layers);

    /// <summary>Times the generated class <paramref name="model"/> on <paramref name="input"/> (one sample).</summary>
    public static Times Measure(Type model, float[] input)
    {
        var predict = model.GetMethod("Predict", new[] { typeof(ReadOnlySpan<float>), typeof(Span<float>) })!.CreateDelegate<PredictFunction>();
        var output = new float[(int)model.GetField("OutputLength")!.GetValue(null)!];
        var predictTime = Best(() => predict(input, output));
        var kernels = model.GetNestedType("SparseGenKernels", BindingFlags.NonPublic)!;
        var arena = (float[])kernels.GetMethod("ArenaArray", BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, null)!;
        var start = AlignedArrays.AlignedStart(arena);
        var layers = new Dictionary<int, (double, int)>();
        foreach (var (number, methods) in LayerMethods(kernels))
        {
            void CallLayer()
            {
                foreach (var method in methods)
                {
                    method(arena.AsSpan(start));
                }
            }

            predict(input, output);
            layers[number] = (Best(CallLayer), methods.Count);
        }

        return new Times(predictTime, layers);
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

    /// <summary>The layer methods by layer number, parts in order, instantiated at the width Run would pick (not PredictBatch's kernels in lanes).</summary>
    private static IEnumerable<(int Number, List<LayerMethod> Methods)> LayerMethods(Type kernels)
    {
        var (vector, lanes) = Width();
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
    private static (Type Vector, Type Lanes) Width() =>
        Lanes512.IsSupported ? (typeof(Vector512<float>), typeof(Lanes512))
        : Lanes256.IsSupported ? (typeof(Vector256<float>), typeof(Lanes256))
        : Lanes128.IsSupported ? (typeof(Vector128<float>), typeof(Lanes128))
        : (typeof(float), typeof(Lanes1));
}
