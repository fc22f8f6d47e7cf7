using System;
using System.IO;
using SparseGen.Cli.Plans;
using SparseGen.Generator.Planning;
using SparseGen.Model;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Passes;

namespace SparseGen.Cli.Tests;

/// <summary>
/// What <c>inspect --plan --measure</c> times must be the model itself: the class compiled from the plan gives the
/// reference evaluator's outputs.
/// </summary>
public sealed class ModelCompilerTests
{
    private delegate void PredictFunction(ReadOnlySpan<float> input, Span<float> output);

    [Theory]
    [InlineData("resnet_bn_pruned80.onnx")]
    [InlineData("mobilenetish_pruned70.onnx")]
    public void The_compiled_plan_predicts_what_the_reference_evaluator_computes(string name)
    {
        var graph = ModelLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)).Graph!;
        var plan = KernelPlanner.Plan(GraphOptimizer.Optimize(graph), PlannerOptions.Default);
        var model = ModelCompiler.Compile(plan, name);
        var predict = model.GetMethod("Predict", new[] { typeof(ReadOnlySpan<float>), typeof(Span<float>) })!.CreateDelegate<PredictFunction>();
        var random = new Random(7);
        var input = new float[graph.InputLength];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var output = new float[(int)model.GetField("OutputLength")!.GetValue(null)!];
        predict(input, output);

        var expected = ReferenceEvaluator.Run(graph, input, batch: 1);
        Assert.Equal(expected.Length, output.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - output[i]) <= 1e-4f * Math.Max(1f, Math.Abs(expected[i])), $"output {i}: {output[i]}, reference {expected[i]}");
        }
    }
}
