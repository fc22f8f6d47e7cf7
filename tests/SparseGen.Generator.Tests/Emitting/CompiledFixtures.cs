using System;
using System.Collections.Concurrent;
using System.IO;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Cpu;
using SparseGen.Generator.Planning;
using SparseGen.Model;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>A fixture model loaded, optimised, emitted and compiled, once per test run.</summary>
internal sealed record CompiledFixture(ModelGraph Original, ModelGraph Optimized, string Source, CompiledModel Model);

internal static class CompiledFixtures
{
    private static readonly ConcurrentDictionary<string, Lazy<CompiledFixture>> Cache = new(StringComparer.Ordinal);

    public static CompiledFixture Get(string file) => Cache.GetOrAdd(file, f => new Lazy<CompiledFixture>(() => Build(f))).Value;

    public static ModelGraph Load(string file)
    {
        var result = ModelLoader.Load(Fixtures.Bytes(file));
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Graph!;
    }

    public static string Emit(ModelGraph optimized, string file) =>
        CpuEmitter.Emit(KernelPlanner.Plan(optimized, PlannerOptions.Default), new EmitTarget("Fixtures." + Namespace(file), "Net", IsStatic: false, file, "fixture"));

    private static CompiledFixture Build(string file)
    {
        var original = Load(file);
        var optimized = GraphOptimizer.Optimize(original);
        var source = Emit(optimized, file);
        var model = GeneratedModelCompiler.CompileOne(Namespace(file), source, "Fixtures." + Namespace(file) + ".Net");
        return new CompiledFixture(original, optimized, source, model);
    }

    private static string Namespace(string file) => Path.GetFileNameWithoutExtension(file);
}
