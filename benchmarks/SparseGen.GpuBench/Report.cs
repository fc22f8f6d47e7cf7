using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace SparseGen.GpuBench;

/// <summary>The results as JSON (for scripts) and as a markdown table (for docs/gpu.md).</summary>
internal sealed class Report
{
    private readonly string _device;
    private readonly BenchOptions _options;
    private readonly IReadOnlyList<ModelResult> _results;

    public Report(string device, BenchOptions options, IReadOnlyList<ModelResult> results)
    {
        _device = device;
        _options = options;
        _results = results;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Json() => JsonSerializer.Serialize(new { device = _device, repetitions = _options.Repetitions, models = _results }, JsonOptions);

    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## SparseGen ILGPU kernels on {_device}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Median of {_options.Repetitions} synchronised passes after warm-up (batch 1: {_options.Repetitions * 10}); results checked against the generated CPU code.");
        text.AppendLine();
        text.Append("| model | kernels loaded (ms) | vs CPU max abs diff | batch 1 device (µs) | batch 1 host↔host (µs) |");
        foreach (var batch in _options.Batches)
        {
            text.Append(CultureInfo.InvariantCulture, $" batch {batch:N0} (samples/s) |");
        }

        text.AppendLine();
        text.Append("| --- | --- | --- | --- | --- |");
        text.AppendLine(string.Concat(_options.Batches.Select(_ => " --- |")));
        foreach (var r in _results)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {r.Model} | {r.LoadMilliseconds:F0} | {r.MaxAbsDiff:G3}{(r.Agrees ? "" : " (DIFFERS)")} | {r.LatencyMicroseconds:F1} | {r.HostLatencyMicroseconds:F1} |");
            foreach (var t in r.Throughputs)
            {
                text.Append(CultureInfo.InvariantCulture, $" {t.SamplesPerSecond:N0} |");
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
