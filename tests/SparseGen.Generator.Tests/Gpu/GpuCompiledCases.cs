using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using Microsoft.CodeAnalysis;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Gpu;
using SparseGen.Generator.Planning;
using SparseGen.Generator.Tests.Emitting;
using SparseGen.Gpu;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Tests.Gpu;

/// <summary>How a case's GPU code is emitted: the defaults, every weight layer from device tables, or tiny kernels with no fusion.</summary>
public enum GpuVariant
{
    Default,
    Tables,
    SmallKernels,
}

/// <summary>A generated class's GPU side, compiled and loaded.</summary>
internal sealed class GpuCompiledModel
{
    private readonly MethodInfo _create;

    public GpuCompiledModel(Type type)
    {
        Type = type;
        _create = type.GetMethod("CreateGpu") ?? throw new InvalidOperationException(type + " has no CreateGpu");
        KernelClass = type.GetNestedType(GpuEmitter.KernelClassName, BindingFlags.NonPublic)!;
    }

    public Type Type { get; }

    public Type KernelClass { get; }

    /// <summary>Every kernel method: the static methods whose first parameter is the thread index.</summary>
    public IEnumerable<MethodInfo> Kernels => KernelClass
        .GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
        .Where(m => m.GetParameters() is { Length: > 0 } p && p[0].ParameterType == typeof(Index1D));

    public GpuModel Create(Accelerator accelerator) => (GpuModel)_create.Invoke(null, new object[] { accelerator })!;
}

/// <summary>Compiles generated GPU sources with ILGPU and SparseGen.Gpu referenced, as a consumer that references them would.</summary>
internal static class GpuCompiler
{
    public static readonly Lazy<MetadataReference[]> References = new(() => new[]
    {
        MetadataReference.CreateFromFile(typeof(Accelerator).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(GpuModel).Assembly.Location),
    });

    public static GpuOptions OptionsFor(GpuVariant variant) => variant switch
    {
        GpuVariant.Tables => GpuOptions.Default with { MaxUnrolledNonZerosPerLayer = 0, MaxUnrolledNonZerosPerModel = 0 },
        GpuVariant.SmallKernels => GpuOptions.Default with { MaxStatementsPerKernel = 40, MaxAccumulatorsPerKernel = 3, FusePools = false },
        _ => GpuOptions.Default,
    };

    public static string Emit(ModelGraph graph, string ns, string modelFile, GpuVariant variant) =>
        GpuEmitter.Emit(GpuPlanner.Plan(graph, OptionsFor(variant)), new EmitTarget(ns, "Model", IsStatic: true, modelFile, "test"));
}

/// <summary>Every <see cref="EmitterCases"/> model in every <see cref="GpuVariant"/>, compiled once into one assembly.</summary>
internal static class GpuCompiledCases
{
    private static readonly Lazy<Dictionary<(string, GpuVariant), GpuCompiledModel>> Models = new(Build);

    public static GpuCompiledModel Get(string name, GpuVariant variant) => Models.Value[(name, variant)];

    public static string Namespace(string name, GpuVariant variant) =>
        "GpuCases." + variant + "." + new string(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    private static Dictionary<(string, GpuVariant), GpuCompiledModel> Build()
    {
        var entries = EmitterCases.All.SelectMany(c => Enum.GetValues<GpuVariant>().Select(v => (Case: c, Variant: v))).ToList();
        var assembly = GeneratedModelCompiler.Compile(
            "GpuEmitterCases",
            entries.Select(e => (e.Variant + "/" + e.Case.Name + ".Gpu.g.cs", GpuCompiler.Emit(e.Case.Emitted, Namespace(e.Case.Name, e.Variant), e.Case.Name + ".onnx", e.Variant))),
            GpuCompiler.References.Value);
        return entries.ToDictionary(
            e => (e.Case.Name, e.Variant),
            e => new GpuCompiledModel(assembly.GetType(Namespace(e.Case.Name, e.Variant) + ".Model", throwOnError: true)!));
    }
}
