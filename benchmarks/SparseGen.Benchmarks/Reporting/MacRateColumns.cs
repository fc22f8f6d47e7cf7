using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SparseGen.Benchmarks.Reporting;

/// <summary>
/// Achieved multiply-adds per second on the model's remaining MACs (the generated class's <c>SparseMacs</c>:
/// zero weights not counted), for every runtime: the same work divided by each one's time per image.
/// </summary>
internal sealed class MacRateColumn : IColumn
{
    public string Id => nameof(MacRateColumn);

    public string ColumnName => "GMAC/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Remaining (nonzero) multiply-adds per image divided by the mean time per image, in 10^9 per second";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => MacRate.RemainingMacs(b) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        MacRate.GmacPerSecond(summary, benchmarkCase) is { } rate ? rate.ToString("N2", CultureInfo.InvariantCulture) : "-";
}

/// <summary>The <see cref="MacRateColumn"/> as a fraction of this core's measured FMA peak (<see cref="FmaPeakBenchmarks"/>).</summary>
internal sealed class PeakFractionColumn : IColumn
{
    public string Id => nameof(PeakFractionColumn);

    public string ColumnName => "% of FMA peak";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "GMAC/s over one core's FMA peak (FmaPeakBenchmarks: this run's, else the last report in the results folder)";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => MacRate.RemainingMacs(b) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var rate = MacRate.GmacPerSecond(summary, benchmarkCase);
        var peak = FmaPeak.Find(summary);
        return rate is null ? "-" : peak is null ? "no peak (run FmaPeakBenchmarks)" : (100 * rate.Value / peak.Value).ToString("F2", CultureInfo.InvariantCulture) + " %";
    }
}

internal static class MacRate
{
    /// <summary>The remaining MACs per image of the model a benchmark case runs, or null for one without a model.</summary>
    public static long? RemainingMacs(BenchmarkCase benchmarkCase)
    {
        var parameters = benchmarkCase.Parameters;
        if (parameters.Items.Any(p => p.Name == "Model") && parameters["Model"] is string model)
        {
            return ModelCatalog.Get(model).RemainingMacs;
        }

        if (parameters.Items.Any(p => p.Name == "Sparsity") && parameters["Sparsity"] is int sparsity)
        {
            return ModelCatalog.Get(ModelCatalog.SweepModelName(sparsity)).RemainingMacs;
        }

        return null;
    }

    public static double? GmacPerSecond(Summary summary, BenchmarkCase benchmarkCase)
    {
        var macs = RemainingMacs(benchmarkCase);
        var nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return macs is null || nanoseconds is null or <= 0 ? null : macs.Value / nanoseconds.Value;
    }
}
