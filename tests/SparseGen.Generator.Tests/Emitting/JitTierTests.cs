using System;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.IO;
using System.Linq;
using System.Threading;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Cpu;
using SparseGen.Generator.Planning;
using SparseGen.Model.Passes;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>
/// The JIT optimises every generated method of the committed models: none is compiled with MinOpts
/// (the JIT's fallback for methods past its size limits, ~10× slower). The runtime's own JIT events
/// report each method's optimisation tier; the check in docs/performance.md does the same from outside.
/// </summary>
public sealed class JitTierTests
{
    [Theory]
    [InlineData(Fixtures.SimpleCnnDense)]
    [InlineData(Fixtures.ResNetBnPruned80)]
    [InlineData(Fixtures.MobileNetishPruned70)]
    public void No_generated_method_is_compiled_with_MinOpts(string file) =>
        AssertNoMinOpts(CompiledFixtures.Load(file), file);

    [Fact]
    public void No_block_kernel_of_the_committed_block_pruned_model_is_compiled_with_MinOpts()
    {
        const string file = "fashion_cnn_mac_aware90_blocks16.onnx";
        var loaded = SparseGen.Model.ModelLoader.Load(File.ReadAllBytes(Path.Combine(EndToEnd.FashionMnistSampleTests.RepositoryRoot(), "benchmarks", "SparseGen.Benchmarks", "models", file)));
        Assert.True(loaded.Succeeded, loaded.Error?.ToString());

        AssertNoMinOpts(loaded.Graph!, file);
    }

    private static void AssertNoMinOpts(SparseGen.Model.Graph.ModelGraph graph, string file)
    {
        // A fresh copy, so that its methods are compiled while the listener listens.
        var name = "JitTier_" + Path.GetFileNameWithoutExtension(file);
        var source = CpuEmitter.Emit(KernelPlanner.Plan(GraphOptimizer.Optimize(graph), PlannerOptions.Default), new EmitTarget(name, "Net", IsStatic: true, file, "jit"));
        var model = GeneratedModelCompiler.CompileOne(name, source, name + ".Net", collectible: false);
        using var listener = new JitTierListener(name);

        model.Predict(new float[model.InputLength], new float[model.OutputLength]);

        var methods = listener.WaitForMethods(expectedPrefix: "Layer1");
        Assert.NotEmpty(methods);
        var minOpts = methods.Where(m => m.Tier == JitTierListener.MinOptJitted).Select(m => m.Name).ToArray();
        Assert.True(minOpts.Length == 0, "compiled with MinOpts: " + string.Join(", ", minOpts));
        Assert.All(methods.Where(m => m.Name.StartsWith("Layer", StringComparison.Ordinal)), m => Assert.True(
            m.Tier is JitTierListener.Optimized or JitTierListener.OptimizedTier1, $"{m.Name} compiled at tier {m.Tier}"));
    }

    /// <summary>Collects MethodLoadVerbose events (JIT keyword) for methods of one namespace.</summary>
    private sealed class JitTierListener : EventListener
    {
        // MethodFlags bits 7–9 of MethodLoadVerbose: the optimisation tier.
        public const int MinOptJitted = 1;
        public const int Optimized = 2;
        public const int OptimizedTier1 = 4;
        private const int JitKeyword = 0x10;

        private readonly string _namespace;
        private readonly ConcurrentQueue<(string Name, int Tier)> _methods = new();

        public JitTierListener(string @namespace)
        {
            _namespace = @namespace;
            foreach (var source in EventSource.GetSources().Where(s => s.Name == "Microsoft-Windows-DotNETRuntime"))
            {
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)JitKeyword);
            }
        }

        /// <summary>The methods seen once one named with <paramref name="expectedPrefix"/> arrived (events come on their own thread).</summary>
        public (string Name, int Tier)[] WaitForMethods(string expectedPrefix)
        {
            for (var waited = 0; waited < 20_000 && !_methods.Any(m => m.Name.StartsWith(expectedPrefix, StringComparison.Ordinal)); waited += 50)
            {
                Thread.Sleep(50);
            }

            Thread.Sleep(500);
            return _methods.ToArray();
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime" && _namespace is not null)
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)JitKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName is not { } eventName || !eventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || eventData.PayloadNames is null)
            {
                return;
            }

            var methodNamespace = Payload(eventData, "MethodNamespace") as string ?? "";
            if (_namespace is null || !methodNamespace.StartsWith(_namespace + ".", StringComparison.Ordinal))
            {
                return;
            }

            var flags = Convert.ToInt32(Payload(eventData, "MethodFlags"), System.Globalization.CultureInfo.InvariantCulture);
            _methods.Enqueue(((Payload(eventData, "MethodName") as string) ?? "?", (flags >> 7) & 7));
        }

        private static object? Payload(EventWrittenEventArgs eventData, string name)
        {
            var index = eventData.PayloadNames!.IndexOf(name);
            return index < 0 ? null : eventData.Payload![index];
        }
    }
}
