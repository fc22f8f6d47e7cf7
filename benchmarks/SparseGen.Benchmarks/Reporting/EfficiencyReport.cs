using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Reports;

namespace SparseGen.Benchmarks.Reporting;

/// <summary>
/// After a run: one table of every model benchmark's time per image, achieved GMAC/s on the remaining MACs and
/// fraction of the FMA peak, printed and written to <c>efficiency.md</c> in the results folder.
/// </summary>
internal static class EfficiencyReport
{
    public static void Write(Summary[] summaries)
    {
        var modelSummaries = summaries.Where(s => s.BenchmarksCases.Any(b => MacRate.RemainingMacs(b) is not null)).ToArray();
        if (modelSummaries.Length == 0)
        {
            return;
        }

        var peak = summaries.Select(FmaPeak.Find).FirstOrDefault(p => p is not null);
        var text = new StringBuilder();
        text.AppendLine("# Achieved multiply-add rate");
        text.AppendLine();
        text.AppendLine(peak is null
            ? "FMA peak: not measured (run FmaPeakBenchmarks in the same run or before)."
            : string.Create(CultureInfo.InvariantCulture, $"FMA peak, one core: {peak:F1} GMAC/s (FmaPeakBenchmarks, the faster vector width)."));
        text.AppendLine("GMAC/s counts each model's remaining (nonzero-weight) multiply-adds per image for every runtime.");
        text.AppendLine();
        text.AppendLine("| benchmark | model | runtime | time per image | GMAC/s | % of FMA peak |");
        text.AppendLine("| --- | --- | --- | ---: | ---: | ---: |");
        foreach (var summary in modelSummaries)
        {
            foreach (var report in summary.Reports.Where(r => r.ResultStatistics is not null && MacRate.RemainingMacs(r.BenchmarkCase) is not null))
            {
                var benchmark = report.BenchmarkCase;
                var rate = MacRate.GmacPerSecond(summary, benchmark)!.Value;
                var model = string.Join(", ", benchmark.Parameters.Items.Select(p => $"{p.Name}={p.Value}"));
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {benchmark.Descriptor.Type.Name} | {model} | {benchmark.Descriptor.WorkloadMethodDisplayInfo} | {report.ResultStatistics!.Mean / 1000:N2} µs | {rate:N2} | {(peak is null ? "-" : (100 * rate / peak.Value).ToString("F2", CultureInfo.InvariantCulture) + " %")} |"));
            }
        }

        var path = Path.Combine(modelSummaries[0].ResultsDirectoryPath, "efficiency.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine();
        Console.WriteLine(text);
        Console.WriteLine($"Written to {path}");
    }
}
