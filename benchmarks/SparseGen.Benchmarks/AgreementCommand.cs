using System;
using System.Globalization;
using System.Linq;
using SparseGen.Model;
using SparseGen.Model.Evaluation;
using static TorchSharp.torch;

namespace SparseGen.Benchmarks;

/// <summary>
/// <c>check [MODEL]</c>: without BenchmarkDotNet, runs every compiled model once in each runtime and prints the
/// largest differences; for a model whose runtimes disagree, names the first graph value where TorchSharp
/// parts from SparseGen's reference evaluator.
/// </summary>
internal static class AgreementCommand
{
    public static int Run(string[] args)
    {
        var failures = 0;
        foreach (var model in ModelCatalog.All.Where(m => args.Length == 0 || args.Contains(m.Name)))
        {
            var input = RandomInputs.Create(model.InputLength);
            var output = new float[model.OutputLength];
            model.Predict(input, output);
            using var onnx = new OnnxRuntimeRunner(model.FullPath, input, model.InputShape, model.OutputLength, batch: 1, intraOpThreads: 1);
            using var torchSharp = new TorchSharpRunner(model.FullPath, input, model.InputShape, model.OutputLength, batch: 1, threads: 1);
            onnx.Run();
            torchSharp.Run();
            var generatedVsOnnx = MaxDifference(output, onnx.Output);
            var torchVsOnnx = MaxDifference(torchSharp.Output, onnx.Output);
            var agree = generatedVsOnnx <= Agreement.Tolerance && torchVsOnnx <= Agreement.Tolerance;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model.Name}: SparseGen vs ONNX Runtime {generatedVsOnnx:E2}, TorchSharp vs ONNX Runtime {torchVsOnnx:E2}{(agree ? "" : "  DISAGREE")}"));
            if (!agree)
            {
                failures++;
                FirstDivergence(model, input);
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static void FirstDivergence(BenchmarkModel model, float[] input)
    {
        var graph = ModelLoader.LoadFile(model.FullPath).Graph!;
        var reference = ReferenceEvaluator.RunAll(graph, input, batch: 1);
        using var module = TorchSharpGraphModule.Load(model.FullPath);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var values = module.Values(tensor(input, new long[] { 1 }.Concat(model.InputShape.Select(d => (long)d)).ToArray()));
        foreach (var op in graph.Operations)
        {
            var expected = reference[op.Output];
            var actual = values[op.Output].contiguous().data<float>().ToArray();
            var difference = actual.Length == expected.Length ? MaxDifference(actual, expected) : float.PositiveInfinity;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {op.OpType} '{op.Name}' -> {op.Output}: {difference:E2}"));
            if (difference > Agreement.Tolerance)
            {
                Console.WriteLine($"  first divergence: {op}");
                return;
            }
        }
    }

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0f).Max();
}
