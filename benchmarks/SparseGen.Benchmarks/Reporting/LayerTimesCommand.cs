using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SparseGen.Cli.Plans;

namespace SparseGen.Benchmarks.Reporting;

/// <summary>
/// Where a model's time goes: <c>sparsegen inspect --plan --measure</c>'s layer timer (linked from the tool) run on the
/// models compiled into the benchmarks, with each layer's share of Predict and its MAC rate. A profile to direct work,
/// not a benchmark (BenchmarkDotNet times Predict).
/// </summary>
internal static class LayerTimesCommand
{
    public static int Run(string[] args)
    {
        var names = args.Length > 0 ? args : ModelCatalog.MainModels.ToArray();
        var report = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        report.AppendLine("# Time per layer (" + LayerTimer.Method + ", µs)").AppendLine();
        foreach (var name in names)
        {
            var model = ModelCatalog.Get(name);
            var type = typeof(ModelCatalog).Assembly.GetType("SparseGen.Benchmarks." + name, throwOnError: true)!;
            var times = LayerTimer.Measure(type, RandomInputs.Create(model.InputLength));
            var layers = (IReadOnlyList<LayerInfo>)type.GetProperty("Layers")!.GetValue(null)!;

            report.AppendLine(culture, $"## {name} ({model.Description}): Predict {times.Predict:F2} µs").AppendLine();
            report.AppendLine("| layer | op | strategy | methods | µs | share of Predict | MACs kept | GMAC/s |");
            report.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (number, (time, methods)) in times.Layers.OrderBy(pair => pair.Key))
            {
                var layer = layers[number - 1];
                var rate = layer.SparseMacs > 0 ? (layer.SparseMacs / time / 1000).ToString("F1", culture) : "";
                report.AppendLine(culture, $"| {number} {layer.Name} | {layer.OpType} | {layer.Strategy} | {methods} | {time:F2} | {time / times.Predict:P0} | {layer.SparseMacs:N0} | {rate} |");
            }

            var sum = times.Layers.Values.Sum(t => t.Microseconds);
            report.AppendLine(culture, $"| sum | | | | {sum:F2} | {sum / times.Predict:P0} | | |").AppendLine();
        }

        Console.Write(report.ToString());
        var folder = Path.Combine("BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "layer-times.md"), report.ToString());
        Console.WriteLine("Written to " + Path.Combine(folder, "layer-times.md"));
        return 0;
    }
}
