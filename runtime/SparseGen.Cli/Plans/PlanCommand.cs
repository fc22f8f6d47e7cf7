using System;
using System.IO;
using System.Text.Json;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;

namespace SparseGen.Cli.Plans;

/// <summary><c>inspect --plan [--measure]</c>: the plan the generator makes of the model, and optionally its kernels timed here.</summary>
internal static class PlanCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static int Run(FileInfo file, ModelGraph graph, bool measure, bool json, TextWriter stdout)
    {
        // What the generator does: the exact passes, then the planner with its defaults.
        var kernelPlan = KernelPlanner.Plan(GraphOptimizer.Optimize(graph), PlannerOptions.Default);
        var plan = ModelPlan.Of(kernelPlan, GpuPlanner.Plan(kernelPlan.Model, GpuOptions.Default));
        LayerTimer.Times? measured = null;
        if (measure)
        {
            var model = ModelCompiler.Compile(kernelPlan, file.Name);
            var random = new Random(1);
            var input = new float[graph.InputLength];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (float)((random.NextDouble() * 2) - 1);
            }

            measured = LayerTimer.Measure(model, input);
        }

        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(PlanReport.ToJson(file, plan, measured), JsonOptions));
        }
        else
        {
            PlanReport.Write(Terminal.For(stdout), file, plan, measured);
        }

        return CommandLine.Success;
    }
}
