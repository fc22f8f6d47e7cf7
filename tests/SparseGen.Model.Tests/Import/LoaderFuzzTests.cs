using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Analysis;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Onnx;
using SparseGen.Model.Passes;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Import;

/// <summary>
/// The whole model layer under mutation: every mutated file ends as a model error or as a graph that
/// optimises, measures and evaluates; nothing throws, nothing hangs, nothing allocates without bound.
/// </summary>
public sealed class LoaderFuzzTests
{
    [Fact]
    public void Mutated_models_load_to_a_graph_or_a_model_error_and_nothing_else()
    {
        var samples = new List<FuzzSample>();
        samples.AddRange(BuilderModels.Runnable().Select(m => new FuzzSample(m.Name, m.Bytes(), 400)));
        samples.Add(new FuzzSample(Fixtures.MobileNetishPruned70, Fixtures.Bytes(Fixtures.MobileNetishPruned70), 300));
        samples.Add(new FuzzSample(Fixtures.MobileNetishPruned70Opset10, Fixtures.Bytes(Fixtures.MobileNetishPruned70Opset10), 150));
        samples.Add(new FuzzSample(Fixtures.ResNetBnPruned80, Fixtures.Bytes(Fixtures.ResNetBnPruned80), 100));
        samples.Add(new FuzzSample(Fixtures.MlpMixPruned95, Fixtures.Bytes(Fixtures.MlpMixPruned95), 24));

        // ModelLoader returns errors as values: any exception at all is a failure here.
        var result = new MutationFuzzer(seed: 4242, isExpected: _ => false).Run(samples, LoadOptimizeAndEvaluate);

        Assert.True(result.Failures.Count == 0, result.Report());
        Assert.True(result.Cases >= 2500, $"only {result.Cases} cases ran");
        Assert.True(result.Accepted > 100, $"only {result.Accepted} of {result.Cases} mutated models loaded: the importer is barely reached");
    }

    [Fact]
    public void Millions_of_empty_messages_hit_the_entry_limit_instead_of_exhausting_memory()
    {
        // Field 5 of GraphProto (initializer) with length 0, repeated: 2 bytes of file per TensorProto object.
        var graph = new byte[2 * 1_000_000];
        for (var i = 0; i < graph.Length; i += 2)
        {
            graph[i] = 0x2A;
        }

        var model = new List<byte> { 0x3A };
        var length = graph.Length;
        while (length >= 0x80)
        {
            model.Add((byte)(length | 0x80));
            length >>= 7;
        }

        model.Add((byte)length);
        model.AddRange(graph);

        var error = ModelLoader.Load(model.ToArray()).Error!;

        Assert.Equal(ModelErrorCode.LimitExceeded, error.Code);
        Assert.Contains("ModelLimits.MaxEntries", error.Message, StringComparison.Ordinal);
    }

    private static void LoadOptimizeAndEvaluate(byte[] bytes)
    {
        var result = ModelLoader.Load(bytes);
        if (result.Graph is not { } graph)
        {
            if (result.Error is null || result.Error.Message.Length == 0 || result.Error.Hint is null)
            {
                throw new InvalidOperationException("a failed load must carry an error with a message and a hint");
            }

            return;
        }

        var optimized = GraphOptimizer.Optimize(graph);
        var statistics = ModelStatistics.Compute(optimized);
        if (statistics.DenseMacs < 2_000_000)
        {
            var input = new float[graph.InputLength];
            ReferenceEvaluator.Run(graph, input, 1);
            ReferenceEvaluator.Run(optimized, input, 1);
        }
    }
}
