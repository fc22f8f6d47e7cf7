using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Cpu;
using SparseGen.Generator.Planning;
using SparseGen.Model;
using SparseGen.Model.Passes;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>The whole generated file of one small model, so a reviewer sees what the emitter writes.</summary>
public sealed class CpuEmitterBaselineTests
{
    [Fact]
    public void Conv_relu_pool_gemm_model()
    {
        var graph = ModelLoader.Load(BuilderModels.ConvReluPoolGemm().Bytes()).Graph!;
        var target = new EmitTarget("Samples.Models", "TinyNet", IsStatic: false, "tiny.onnx", "0123abcd");

        var source = CpuEmitter.Emit(KernelPlanner.Plan(GraphOptimizer.Optimize(graph), PlannerOptions.Default), target);

        Baseline.Match(source.Replace(CpuEmitter.Version, "{version}", System.StringComparison.Ordinal));
    }
}
