using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SparseGen.Generator.Planning;
using Spectre.Console;

namespace SparseGen.Cli.Plans;

/// <summary>
/// <c>inspect --plan</c>: per layer, the kernel the generator will write, the cost model's time for it and, with
/// <c>--measure</c>, the time the compiled kernel takes here; then the arena. Why a layer is fast or slow, at a glance.
/// </summary>
internal static class PlanReport
{
    public static void Write(IAnsiConsole console, FileInfo file, ModelPlan plan, LayerTimer.Times? measured)
    {
        var culture = CultureInfo.InvariantCulture;
        console.MarkupLine($"[bold]{Markup.Escape(file.Name)}[/]: the generator's plan{(measured is null ? "" : ", measured on this machine")}");
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("#").RightAligned()).AddColumn("layer").AddColumn("op").AddColumn("kernel");
        table.AddColumn(new TableColumn("estimated µs").RightAligned());
        if (measured is not null)
        {
            table.AddColumn(new TableColumn("measured µs").RightAligned());
        }

        table.AddColumn(new TableColumn("parts").RightAligned()).AddColumn("notes");
        foreach (var layer in plan.Layers)
        {
            var row = new List<string>
            {
                layer.Number.ToString(culture),
                Markup.Escape(layer.Name),
                layer.OpType,
                Markup.Escape(layer.Strategy),
                layer.EstimatedNanoseconds is { } ns ? (ns / 1000).ToString("F2", culture) : "",
            };
            if (measured is not null)
            {
                row.Add(measured.Layers.TryGetValue(layer.Number, out var time) ? time.Microseconds.ToString("F2", culture) : "");
            }

            row.Add(layer.Parts > 1 ? layer.Parts.ToString(culture) : "");
            row.Add(Markup.Escape(string.Join("; ", Notes(layer))));
            table.AddRow(row.ToArray());
        }

        console.Write(table);
        var estimated = plan.Layers.Sum(layer => layer.EstimatedNanoseconds ?? 0) / 1000;
        console.MarkupLine(string.Create(culture, $"estimated {estimated:F2} µs for the layers with weights{(measured is null ? "" : $"; measured Predict {measured.Predict:F2} µs, layers {measured.Layers.Values.Sum(t => t.Microseconds):F2} µs")}"));
        var threadScratch = plan.ThreadScratchLength > 0 ? string.Create(culture, $", thread scratch {plan.ThreadScratchLength:N0} floats") : "";
        var batch = plan.BatchSection.Count > 0 ? $"; PredictBatch runs {Markup.Escape(string.Join(", ", plan.BatchSection))} with samples in SIMD lanes" : "";
        console.MarkupLine(string.Create(culture, $"arena {plan.ArenaLength:N0} floats a thread{threadScratch}{batch}"));
    }

    /// <summary>The plan as one JSON-ready object, measured times included where there are some.</summary>
    public static object ToJson(FileInfo file, ModelPlan plan, LayerTimer.Times? measured) => new
    {
        File = file.Name,
        plan.ArenaLength,
        plan.ThreadScratchLength,
        BatchSection = plan.BatchSection,
        PredictMicroseconds = measured?.Predict,
        Layers = plan.Layers.Select(layer => new
        {
            layer.Number,
            layer.Name,
            Op = layer.OpType,
            Kernel = layer.Strategy,
            EstimatedMicroseconds = layer.EstimatedNanoseconds / 1000,
            MeasuredMicroseconds = measured is not null && measured.Layers.TryGetValue(layer.Number, out var time) ? time.Microseconds : (double?)null,
            layer.Parts,
            layer.FusedPool,
            layer.ChannelsLast,
            layer.SkipsZeroInputs,
            layer.FillsPlanesOf,
            layer.PlanesFilled,
            layer.Output,
            layer.Planes,
            Scratch = layer.Scratch is { } scratch ? new { scratch.Offset, scratch.Length, scratch.InThreadScratch } : null,
            layer.GpuStrategy,
        }),
    };

    private static IEnumerable<string> Notes(LayerPlan layer)
    {
        if (layer.FusedPool is { } pool)
        {
            yield return "computes max pool '" + pool + "'";
        }

        if (layer.ChannelsLast)
        {
            yield return "stores channels last";
        }

        if (layer.SkipsZeroInputs)
        {
            yield return "skips zero inputs";
        }

        if (layer.FillsPlanesOf is { } reader)
        {
            yield return "writes into the planes of '" + reader + "'";
        }

        if (layer.PlanesFilled)
        {
            yield return "planes filled by the conv before";
        }
        else if (layer.Planes is not null)
        {
            yield return "copies its input into zero-bordered planes";
        }

        if (layer.Scratch is { } scratch)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"scratch {scratch.Length:N0} floats{(scratch.InThreadScratch ? " a thread" : "")}");
        }
    }
}
