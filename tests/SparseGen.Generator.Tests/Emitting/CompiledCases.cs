using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>How a case is emitted: the planner's defaults, every layer as a sparse table, or tiny methods.</summary>
public enum EmitVariant
{
    Default,
    SparseTables,
    SmallMethods,
}

/// <summary>Every <see cref="EmitterCases"/> model in every <see cref="EmitVariant"/>, compiled once into one assembly.</summary>
internal static class CompiledCases
{
    private static readonly Lazy<Dictionary<(string, EmitVariant), CompiledModel>> Models = new(Build);

    public static CompiledModel Get(string name, EmitVariant variant) => Models.Value[(name, variant)];

    public static PlannerOptions OptionsFor(EmitVariant variant) => variant switch
    {
        EmitVariant.SparseTables => PlannerOptions.Default with { MaxUnrolledNonZerosPerLayer = 0, MaxUnrolledNonZerosPerModel = 0 },
        EmitVariant.SmallMethods => PlannerOptions.Default with { MaxStatementsPerMethod = 40, MaxLoopsPerMethod = 6 },
        _ => PlannerOptions.Default,
    };

    public static string Emit(EmitterCase model, EmitVariant variant) =>
        CpuEmitter.Emit(model.Emitted, Target(model.Name, variant), OptionsFor(variant));

    private static EmitTarget Target(string name, EmitVariant variant) =>
        new("Cases." + variant + "." + Identifier(name), "Model", IsStatic: true, name + ".onnx", "test");

    private static Dictionary<(string, EmitVariant), CompiledModel> Build()
    {
        var variants = Enum.GetValues<EmitVariant>();
        var entries = EmitterCases.All.SelectMany(c => variants.Select(v => (Case: c, Variant: v))).ToList();
        var assembly = GeneratedModelCompiler.Compile(
            "EmitterCases",
            entries.Select(e => (e.Variant + "/" + e.Case.Name + ".g.cs", Emit(e.Case, e.Variant))));
        return entries.ToDictionary(
            e => (e.Case.Name, e.Variant),
            e => new CompiledModel(assembly.GetType(Target(e.Case.Name, e.Variant).Namespace + ".Model", throwOnError: true)!));
    }

    private static string Identifier(string name) => new(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
}
