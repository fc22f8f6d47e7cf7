using System.Collections.Generic;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Analysis;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>What the generated code says about one op: its header comment, its remarks line, its LayerInfo.</summary>
internal sealed class LayerSummary
{
    private LayerSummary(int number, Operation op, string title, string detail, LayerStatistics? statistics, string strategy)
    {
        Number = number;
        Op = op;
        Title = title;
        Detail = detail;
        Statistics = statistics;
        Strategy = strategy;
    }

    public int Number { get; }

    /// <summary>The op the kernels compute: the plan's graph's (<see cref="KernelPlan.Graph"/>).</summary>
    public Operation Op { get; }

    /// <summary><c>Layer 2 · Conv 32→64 3×3 · 68.5 % zero · 5,811 MACs kept · unrolled</c>.</summary>
    public string Title { get; }

    /// <summary><c>'conv2': [32×14×14] → [64×14×14], then Relu</c>.</summary>
    public string Detail { get; }

    public LayerStatistics? Statistics { get; }

    /// <summary>"unrolled", "sparse table", "SIMD unrolled", "SIMD sparse table", "dense SIMD", or empty for an op without weights.</summary>
    public string Strategy { get; }

    public IReadOnlyList<string> HeaderComment => new[] { "// " + Literals.Comment(Title), "// " + Literals.Comment(Detail) };

    public static IReadOnlyList<LayerSummary> Describe(ModelGraph graph, KernelPlan plan, ModelStatistics statistics)
    {
        var summaries = new List<LayerSummary>();
        var weightLayers = 0;
        for (var index = 0; index < graph.Operations.Count; index++)
        {
            // Described as the model has it; the kernels compute the plan's graph (the same ops, some rewritten).
            var op = graph.Operations[index];
            LayerStatistics? layerStatistics = null;
            if (op is ConvOperation or DenseOperation or BatchNormOperation)
            {
                layerStatistics = statistics.Layers[weightLayers++];
            }

            var strategy = plan.StrategyOf(op)?.DisplayName() ?? (op is BatchNormOperation ? "unrolled" : plan.IsFusedAway(op) ? "fused into conv" : "");
            var title = "Layer " + Literals.Int(index + 1) + " · " + Operation(op, graph);
            if (layerStatistics is not null)
            {
                title += " · " + Literals.Percent(layerStatistics.Sparsity) + " zero · " + Literals.Grouped(layerStatistics.SparseMacs) + " MACs kept";
            }

            if (strategy.Length > 0)
            {
                title += " · " + strategy;
            }

            var detail = "'" + op.Name + "': " + Literals.Shape(graph.ShapeOf(op.Inputs[0]));
            if (op is AddOperation add)
            {
                detail += " + " + Literals.Shape(graph.ShapeOf(add.Right));
            }

            detail += " → " + Literals.Shape(graph.ShapeOf(op.Output)) + Fused(op);
            if (plan.FusedPoolOf(op) is { } pool)
            {
                detail += ", then " + pool.OpType + " '" + pool.Name + "' → " + Literals.Shape(graph.ShapeOf(pool.Output)) + " in the same loop";
            }

            summaries.Add(new LayerSummary(index + 1, plan.Graph.Operations[index], title, detail, layerStatistics, strategy));
        }

        return summaries;
    }

    private static string Operation(Operation op, ModelGraph graph)
    {
        switch (op)
        {
            case ConvOperation conv:
                var text = "Conv " + Literals.Int(graph.ShapeOf(conv.Input)[0]) + "→" + Literals.Int(conv.OutputChannels) + " "
                    + Literals.Int(conv.KernelHeight) + "×" + Literals.Int(conv.KernelWidth);
                if (conv.Strides[0] != 1 || conv.Strides[1] != 1)
                {
                    text += " stride " + Pair(conv.Strides);
                }

                if (conv.Dilations[0] != 1 || conv.Dilations[1] != 1)
                {
                    text += " dilation " + Pair(conv.Dilations);
                }

                if (conv.Group > 1)
                {
                    text += conv.IsDepthwise ? " depthwise" : " group " + Literals.Int(conv.Group);
                }

                return text;
            case DenseOperation dense:
                return "Dense " + Literals.Int(dense.InputFeatures) + "→" + Literals.Int(dense.OutputFeatures);
            case PoolOperation pool:
                return pool.OpType + " " + Literals.Int(pool.Kernel[0]) + "×" + Literals.Int(pool.Kernel[1]) + " stride " + Pair(pool.Strides);
            case SoftmaxOperation softmax:
                return "Softmax axis " + Literals.Int(softmax.Axis) + (softmax.CoerceTo2D ? " (and all after it)" : "");
            case ReshapeOperation:
                return "Reshape (no code: the same floats under a new shape)";
            default:
                return op.OpType;
        }
    }

    private static string Fused(Operation op)
    {
        var activation = op switch
        {
            ConvOperation conv => conv.Activation,
            DenseOperation dense => dense.Activation,
            AddOperation add => add.Activation,
            _ => Activation.None,
        };
        return activation.Kind == ActivationKind.None ? "" : ", then " + activation;
    }

    private static string Pair(int[] values) => values[0] == values[1] ? Literals.Int(values[0]) : Literals.Int(values[0]) + "×" + Literals.Int(values[1]);
}
