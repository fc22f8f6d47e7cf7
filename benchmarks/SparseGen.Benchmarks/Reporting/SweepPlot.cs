using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ScottPlot;

namespace SparseGen.Benchmarks.Reporting;

/// <summary>
/// <c>sweep-plot [report.csv] [out.png|out.svg]</c>: latency against sparsity, one line per runtime, from the
/// SweepBenchmarks CSV report (by default BenchmarkDotNet.Artifacts/results/ under the current folder) to
/// docs/sparsity-sweep.png. The latency axis is logarithmic: the runtimes differ by orders of magnitude.
/// </summary>
internal static class SweepPlot
{
    public static int Run(string[] args)
    {
        var report = args.Length > 0 ? args[0] : Path.Combine("BenchmarkDotNet.Artifacts", "results", typeof(SweepBenchmarks).FullName + "-report.csv");
        var output = args.Length > 1 ? args[1] : ModelCatalog.ProjectPath("../../docs/sparsity-sweep.png");
        if (!File.Exists(report))
        {
            Console.Error.WriteLine($"{report} not found: run the sweep first (--filter '*SweepBenchmarks*').");
            return 1;
        }

        var series = Read(report);
        Draw(series, output);
        Console.WriteLine($"Written {output} from {report}");
        foreach (var (runtime, points) in series)
        {
            Console.WriteLine($"  {runtime}: " + string.Join(", ", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Sparsity} % {p.Microseconds:N1} µs"))));
        }

        return 0;
    }

    /// <summary>Mean latency in µs by runtime (the benchmark's description) and sparsity.</summary>
    public static SortedDictionary<string, List<(int Sparsity, double Microseconds)>> Read(string path)
    {
        var table = CsvTable.Read(path);
        var method = table.Column("Method");
        var sparsity = table.Column("Sparsity");
        var (mean, toMicroseconds) = MeanColumn(table);
        var series = new SortedDictionary<string, List<(int, double)>>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var runtime = row[method].Trim('\'', '"');
            var microseconds = CsvTable.Number(row[mean]) * toMicroseconds;
            if (double.IsNaN(microseconds))
            {
                continue;
            }

            if (!series.TryGetValue(runtime, out var points))
            {
                series[runtime] = points = new List<(int, double)>();
            }

            points.Add((int.Parse(row[sparsity], CultureInfo.InvariantCulture), microseconds));
        }

        foreach (var points in series.Values)
        {
            points.Sort();
        }

        return series;
    }

    private static (int Column, double ToMicroseconds) MeanColumn(CsvTable table)
    {
        foreach (var (unit, factor) in new[] { ("ns", 1e-3), ("us", 1.0), ("μs", 1.0), ("µs", 1.0), ("ms", 1e3), ("s", 1e6) })
        {
            var index = Array.IndexOf(table.Header, $"Mean [{unit}]");
            if (index >= 0)
            {
                return (index, factor);
            }
        }

        throw new InvalidDataException("the report has no 'Mean [unit]' column: it was not written with the benchmarks' CSV exporter");
    }

    private static void Draw(SortedDictionary<string, List<(int Sparsity, double Microseconds)>> series, string output)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var (runtime, points) in series)
        {
            var line = plot.Add.Scatter(points.Select(p => (double)p.Sparsity).ToArray(), points.Select(p => Math.Log10(p.Microseconds)).ToArray());
            line.LegendText = runtime;
            line.Color = palette.GetColor(index++);
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }

        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("G4", CultureInfo.InvariantCulture),
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.Label.Text = "latency, batch 1, one thread (µs, log scale)";
        plot.Axes.Bottom.Label.Text = "weights set to zero in every layer (%)";
        plot.Title("Fashion-MNIST CNN: latency against sparsity");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.SetLimitsX(-3, 101);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        if (output.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(output, 900, 540);
        }
        else
        {
            plot.SavePng(output, 900, 540);
        }
    }
}
