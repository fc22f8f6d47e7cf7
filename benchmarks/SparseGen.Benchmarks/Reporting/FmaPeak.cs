using System;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Reports;

namespace SparseGen.Benchmarks.Reporting;

/// <summary>
/// One core's multiply-add peak in GMAC/s: the faster of the <see cref="FmaPeakBenchmarks"/> (time per
/// multiply-add, so GMAC/s = 1 / ns), from the summary at hand, else from the last FMA report in its results folder.
/// </summary>
internal static class FmaPeak
{
    public static string ReportFile(string resultsDirectory) =>
        Path.Combine(resultsDirectory, typeof(FmaPeakBenchmarks).FullName + "-report.csv");

    public static double? Find(Summary summary)
    {
        var measured = summary.Reports
            .Where(r => r.BenchmarkCase.Descriptor.Type == typeof(FmaPeakBenchmarks) && r.ResultStatistics is not null)
            .Select(r => 1 / r.ResultStatistics!.Mean)
            .DefaultIfEmpty(double.NaN)
            .Max();
        return !double.IsNaN(measured) ? measured : FromReport(ReportFile(summary.ResultsDirectoryPath));
    }

    /// <summary>Reads the fastest "Mean [ns]" of an FMA CSV report written by <see cref="BenchmarkConfig"/>'s exporter.</summary>
    public static double? FromReport(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var table = CsvTable.Read(path);
        var means = table.Rows.Select(row => CsvTable.Number(row[table.Column("Mean [ns]")])).Where(v => v > 0).ToArray();
        return means.Length == 0 ? null : 1 / means.Min();
    }
}
