using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using SparseGen.Model.Analysis;
using SparseGen.Cli.Plans;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
using Spectre.Console;

namespace SparseGen.Cli;

/// <summary><c>sparsegen inspect model.onnx</c>: model facts, the graph, and a per-layer table with totals.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<FileInfo>("model") { Description = "The ONNX model file." };
        var json = new Option<bool>("--json") { Description = "Write one JSON object for scripts instead of tables." };
        var optimized = new Option<bool>("--optimized") { Description = "Show the graph after SparseGen's exact passes (BatchNorm folding, activation fusion, dead-channel elimination)." };
        var plan = new Option<bool>("--plan") { Description = "Show the generator's plan instead: per layer the kernel it writes, the cost model's time for it, intra-op parts and what it keeps where." };
        var measure = new Option<bool>("--measure") { Description = "With --plan: compile the generated code here and time every layer's kernel on this machine." };
        var command = new Command("inspect", "Show a model's graph and, per layer, parameters, nonzeros, sparsity, dense and sparse MACs, and removable filters; or, with --plan, how SparseGen compiles it.")
        {
            model, json, optimized, plan, measure,
        };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(model)!;
            if (parse.GetValue(measure) && !parse.GetValue(plan))
            {
                stderr.WriteLine("error: --measure times the plan's kernels; give --plan with it.");
                return CommandLine.ModelOrUsageError;
            }

            var graph = ModelFile.Load(file, stderr);
            if (graph is null)
            {
                return CommandLine.ModelOrUsageError;
            }

            if (parse.GetValue(plan))
            {
                return PlanCommand.Run(file, graph, parse.GetValue(measure), parse.GetValue(json), stdout);
            }

            if (parse.GetValue(optimized))
            {
                graph = GraphOptimizer.Optimize(graph);
            }

            var statistics = ModelStatistics.Compute(graph);
            if (parse.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(ToJson(file, graph, statistics, parse.GetValue(optimized)), JsonOptions));
            }
            else
            {
                WriteTables(Terminal.For(stdout), file, graph, statistics);
            }

            return CommandLine.Success;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static void WriteTables(IAnsiConsole console, FileInfo file, ModelGraph graph, ModelStatistics statistics)
    {
        var info = graph.Info;
        console.MarkupLine($"[bold]{Markup.Escape(file.Name)}[/]  {Markup.Escape(info.ProducerName)} {Markup.Escape(info.ProducerVersion)} · opset {info.OpsetVersion}");
        console.MarkupLine($"input  [bold]{Markup.Escape(graph.InputName)}[/] {Markup.Escape(FullShape(graph, graph.InputShape))}");
        console.MarkupLine($"output [bold]{Markup.Escape(graph.OutputName)}[/] {Markup.Escape(FullShape(graph, graph.OutputShape))}");
        foreach (var (key, value) in info.Metadata)
        {
            console.MarkupLine($"  {Markup.Escape(key)} = {Markup.Escape(value)}");
        }

        console.WriteLine();
        var operations = new Table().Border(TableBorder.Simple).Title("graph");
        operations.AddColumns("#", "op", "name", "reads", "shape");
        for (var i = 0; i < graph.Operations.Count; i++)
        {
            var op = graph.Operations[i];
            operations.AddRow(
                Number(i + 1),
                Markup.Escape(Describe(op)),
                Markup.Escape(op.Name),
                Markup.Escape(string.Join(", ", op.Inputs)),
                Markup.Escape(ShapeInference.Format(graph.ShapeOf(op.Output))));
        }

        console.Write(operations);

        var layers = new Table().Border(TableBorder.Simple).Title("layers");
        layers.AddColumn("layer").AddColumn("op").AddColumn("output");
        foreach (var numeric in new[] { "params", "nonzeros", "sparsity", "dense MACs", "sparse MACs", "removable filters" })
        {
            layers.AddColumn(new TableColumn(numeric).RightAligned());
        }

        foreach (var layer in statistics.Layers)
        {
            layers.AddRow(
                Markup.Escape(layer.Name),
                layer.OpType,
                Markup.Escape(ShapeInference.Format(layer.OutputShape)),
                Number(layer.Parameters),
                Number(layer.NonZeros),
                Percent(layer.Sparsity),
                Number(layer.DenseMacs),
                Number(layer.SparseMacs),
                $"{Number(layer.RemovableFilters)} of {Number(layer.Filters)}");
        }

        layers.AddRow(
            "[bold]total[/]",
            "",
            "",
            $"[bold]{Number(statistics.Parameters)}[/]",
            $"[bold]{Number(statistics.NonZeros)}[/]",
            $"[bold]{Percent(statistics.Sparsity)}[/]",
            $"[bold]{Number(statistics.DenseMacs)}[/]",
            $"[bold]{Number(statistics.SparseMacs)}[/]",
            $"[bold]{Number(statistics.Layers.Sum(l => (long)l.RemovableFilters))}[/]");
        console.Write(layers);
        console.MarkupLine($"{statistics.Layers.Count} weight layers · MACs are per sample · sparsity counts weights, not biases");
    }

    private static object ToJson(FileInfo file, ModelGraph graph, ModelStatistics statistics, bool optimized) => new
    {
        File = file.Name,
        Producer = graph.Info.ProducerName,
        ProducerVersion = graph.Info.ProducerVersion,
        Opset = graph.Info.OpsetVersion,
        Optimized = optimized,
        BatchDimension = graph.Info.BatchDimensionName,
        Input = new { Name = graph.InputName, Shape = graph.InputShape },
        Output = new { Name = graph.OutputName, Shape = graph.OutputShape },
        Metadata = graph.Info.Metadata.ToDictionary(e => e.Key, e => e.Value),
        Operations = graph.Operations.Select(op => new { op.Name, Op = Describe(op), op.Inputs, op.Output, Shape = graph.ShapeOf(op.Output) }),
        Layers = statistics.Layers.Select(l => new
        {
            l.Name,
            Op = l.OpType,
            l.InputShape,
            l.OutputShape,
            l.Parameters,
            l.NonZeros,
            l.Sparsity,
            l.DenseMacs,
            l.SparseMacs,
            l.Filters,
            l.RemovableFilters,
        }),
        Totals = new
        {
            statistics.Parameters,
            statistics.NonZeros,
            statistics.Sparsity,
            statistics.DenseMacs,
            statistics.SparseMacs,
            RemovableFilters = statistics.Layers.Sum(l => (long)l.RemovableFilters),
        },
    };

    private static string Describe(Operation op) => op switch
    {
        ConvOperation conv => Fused(conv.Group > 1 ? $"Conv g{conv.Group} {conv.KernelHeight}×{conv.KernelWidth}" : $"Conv {conv.KernelHeight}×{conv.KernelWidth}", conv.Activation),
        DenseOperation dense => Fused($"Dense {dense.InputFeatures}→{dense.OutputFeatures}", dense.Activation),
        AddOperation add => Fused("Add", add.Activation),
        PoolOperation pool => $"{op.OpType} {pool.Kernel[0]}×{pool.Kernel[1]}",
        _ => op.OpType,
    };

    private static string Fused(string text, Activation activation) =>
        activation.Kind == ActivationKind.None ? text : $"{text} + {activation}";

    private static string FullShape(ModelGraph graph, int[] shape) =>
        "[" + string.Join("×", new[] { graph.Info.BatchDimensionName ?? "N" }.Concat(shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))) + "]";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
