using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;
using Perfolizer.Metrology;

namespace SparseGen.Benchmarks.Reporting;

/// <summary>
/// The benchmarks' configuration. They run in process: the output folder holds TorchSharp's ~1.5 GB of natives,
/// which the default out-of-process toolchain would build and copy again for every benchmark. In process is
/// BenchmarkDotNet's own <c>--inProcess</c> option, added to the command line unless given (a job in the config
/// would replace <c>--job short</c> instead of combining with it).
/// </summary>
internal static class BenchmarkConfig
{
    /// <summary>The CSV report's style: units in the header, plain invariant numbers in the cells (what <c>sweep-plot</c> reads).</summary>
    public static readonly SummaryStyle CsvStyle = new(CultureInfo.InvariantCulture, printUnitsInHeader: true, SizeUnit.B, TimeUnit.Nanosecond, printUnitsInContent: false, printZeroValuesInContent: true);

    /// <summary>The command line with <c>--inProcess</c> added unless it is there (InProcessEmitToolchain).</summary>
    public static string[] InProcess(string[] args) =>
        args.Any(a => a is "--inProcess" or "-i") ? args : args.Append("--inProcess").ToArray();

    public static IConfig Create()
    {
        var config = ManualConfig.CreateEmpty()
            .AddColumn(new MacRateColumn(), new PeakFractionColumn())
            .AddExporter(MarkdownExporter.GitHub, new CsvExporter(CsvSeparator.Comma, CsvStyle));
        foreach (var provider in DefaultConfig.Instance.GetColumnProviders())
        {
            config.AddColumnProvider(provider);
        }

        foreach (var logger in DefaultConfig.Instance.GetLoggers())
        {
            config.AddLogger(logger);
        }

        foreach (var analyser in DefaultConfig.Instance.GetAnalysers())
        {
            config.AddAnalyser(analyser);
        }

        foreach (var validator in DefaultConfig.Instance.GetValidators())
        {
            config.AddValidator(validator);
        }

        return config;
    }
}
