using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Cpu;
using SparseGen.Generator.Planning;
using SparseGen.Generator.Tests.Emitting;
using SparseGen.Model;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.EndToEnd;

/// <summary>The model the sample ships: its generated source holds no instruction for a zero weight.</summary>
public sealed class CommittedModelTests
{
    public const string SampleModel = "fashion_cnn_mac_aware90.onnx";

    [Fact]
    public void Generated_source_of_the_committed_90_percent_model_never_multiplies_by_a_zero_weight()
    {
        var path = Path.Combine(FashionMnistSampleTests.RepositoryRoot(), "samples", "FashionMnist", "model", SampleModel);
        var loaded = ModelLoader.Load(File.ReadAllBytes(path));
        Assert.True(loaded.Succeeded, loaded.Error?.ToString());
        var optimized = GraphOptimizer.Optimize(loaded.Graph!);
        var source = CpuEmitter.Emit(KernelPlanner.Plan(optimized, PlannerOptions.Default), new EmitTarget("Sample", "FashionNet", IsStatic: true, SampleModel, "sample"));
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();

        // Scalar code multiplies with '*'; SIMD code broadcasts a weight (w = lanes.Splat(literal)) and fuses the
        // multiply-add; tables hold the nonzero weights as array elements. None of them may hold a zero weight.
        var multiplications = root.DescendantNodes().OfType<BinaryExpressionSyntax>()
            .Where(b => b.IsKind(SyntaxKind.MultiplyExpression) && (GeneratedSourceTests.IsZeroLiteral(b.Left) || GeneratedSourceTests.IsZeroLiteral(b.Right)));
        var broadcastWeights = root.DescendantNodes().OfType<AssignmentExpressionSyntax>()
            .Where(a => a.Right is InvocationExpressionSyntax { ArgumentList.Arguments: [var argument] } call
                && call.Expression.ToString().EndsWith("Splat", StringComparison.Ordinal)
                && a.Left.ToString() == "w"
                && GeneratedSourceTests.IsZeroLiteral(argument.Expression));
        var fusedByZero = root.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(call => call.Expression.ToString().EndsWith("MultiplyAdd", StringComparison.Ordinal)
                && call.ArgumentList.Arguments.Any(a => GeneratedSourceTests.IsZeroLiteral(a.Expression)));
        var tableZeros = root.DescendantNodes().OfType<InitializerExpressionSyntax>()
            .Where(i => i.IsKind(SyntaxKind.ArrayInitializerExpression) && i.Expressions.Count > 64 && i.Expressions.Any(IsFloatLiteral))
            .SelectMany(i => i.Expressions.Where(GeneratedSourceTests.IsZeroLiteral));

        Assert.Empty(multiplications);
        Assert.Empty(broadcastWeights);
        Assert.Empty(fusedByZero);
        Assert.Empty(tableZeros);
    }

    [Fact]
    public void The_committed_model_is_90_percent_sparse_in_parameters_and_in_macs()
    {
        var path = Path.Combine(FashionMnistSampleTests.RepositoryRoot(), "samples", "FashionMnist", "model", SampleModel);
        var loaded = ModelLoader.Load(File.ReadAllBytes(path));
        Assert.True(loaded.Succeeded, loaded.Error?.ToString());

        var metadata = loaded.Graph!.Info.Metadata.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        Assert.Equal("global_mac_aware_l1_gradual", metadata["sparsegen.pruning.method"]);
        Assert.True(double.Parse(metadata["sparsegen.sparsity.achieved"], System.Globalization.CultureInfo.InvariantCulture) >= 0.85);
        Assert.True(double.Parse(metadata["sparsegen.accuracy"], System.Globalization.CultureInfo.InvariantCulture) >= 0.9);
    }

    [Fact]
    public void Filters_zeroed_in_place_leave_only_their_live_channels_and_the_outputs_of_ONNX_Runtime()
    {
        var (bytes, optimized) = BenchmarkModel("fashion_cnn_filters_zeroed75.onnx");

        // 24 of conv1's 32 filters and 48 of conv2's 64 are zero with a zero bias: their channels, the conv2 weights and
        // the fc1 columns that read them are gone, leaving the graph of the model with them removed.
        var convs = optimized.Operations.OfType<ConvOperation>().ToList();
        Assert.Equal(new[] { 8, 16 }, convs.Select(c => c.OutputChannels).ToArray());
        Assert.Equal(8, convs[1].InputChannelsPerGroup);
        Assert.Equal(16 * 7 * 7, optimized.Operations.OfType<DenseOperation>().First().InputFeatures);

        const int batch = 3;
        var random = new Random(11);
        var input = Enumerable.Range(0, batch * 784).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        Close.Assert(OnnxRuntimeOracle.Run(bytes, input, new[] { batch, 1, 28, 28 }), ReferenceEvaluator.Run(optimized, input, batch), "ONNX Runtime");
    }

    [Fact]
    public void Blocks_of_16_channels_run_as_block_kernels_without_a_zero_weight_and_give_the_outputs_of_ONNX_Runtime()
    {
        const string file = "fashion_cnn_mac_aware90_blocks16.onnx";
        var (bytes, optimized) = BenchmarkModel(file);

        // conv2 and fc1 were pruned in vectors of 16 output channels (outputs): the planner runs only their live vectors.
        var plan = KernelPlanner.Plan(optimized, PlannerOptions.Default);
        var conv2 = optimized.Operations.OfType<ConvOperation>().ElementAt(1);
        var fc1 = optimized.Operations.OfType<DenseOperation>().First();
        Assert.Equal(LayerStrategy.SimdChannelBlocks, plan.StrategyOf(conv2));
        Assert.Equal(LayerStrategy.SparseBlocks, plan.StrategyOf(fc1));

        // The optimiser took out the channels and outputs nothing reads or that have no live weight, so a block may hold
        // fewer than 16: outputs pruned alike still share one, and no vector the kernels multiply holds a zero weight (empty lanes aside).
        var conv2Blocks = OutputBlocks.Of(conv2.Weight);
        var fc1Blocks = OutputBlocks.Of(fc1.Weight);
        Assert.Equal(0, conv2Blocks.KeptZeros);
        Assert.Equal(0, fc1Blocks.KeptZeros);
        Assert.Equal(64 / 16, conv2Blocks.Blocks); // the file's blocks, fewer channels in some
        Assert.Equal(128 / 16, fc1Blocks.Blocks);

        var source = CpuEmitter.Emit(KernelPlanner.Plan(optimized, PlannerOptions.Default), new EmitTarget("Committed.Blocks", "Model", IsStatic: true, file, "test"));

        const int batch = 3;
        var random = new Random(12);
        var input = Enumerable.Range(0, batch * 784).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        var model = new CompiledModel(GeneratedModelCompiler.Compile("CommittedBlocks", new[] { (file + ".g.cs", source) }).GetType("Committed.Blocks.Model", throwOnError: true)!);
        Close.Assert(OnnxRuntimeOracle.Run(bytes, input, new[] { batch, 1, 28, 28 }), model.PredictEach(input, batch), "ONNX Runtime");
    }

    /// <summary>A model committed for the benchmarks: its bytes (for ONNX Runtime) and its optimised graph.</summary>
    private static (byte[] Bytes, ModelGraph Optimized) BenchmarkModel(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(FashionMnistSampleTests.RepositoryRoot(), "benchmarks", "SparseGen.Benchmarks", "models", file));
        var loaded = ModelLoader.Load(bytes);
        Assert.True(loaded.Succeeded, loaded.Error?.ToString());
        return (bytes, GraphOptimizer.Optimize(loaded.Graph!));
    }

    private static bool IsFloatLiteral(ExpressionSyntax expression)
    {
        while (expression is PrefixUnaryExpressionSyntax unary)
        {
            expression = unary.Operand;
        }

        return expression is LiteralExpressionSyntax { Token.Value: float or double };
    }
}
