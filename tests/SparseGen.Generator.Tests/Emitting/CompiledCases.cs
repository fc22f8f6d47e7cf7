using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Cpu;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>
/// How a case is emitted: the planner's defaults, every layer as a scalar sparse table, tiny methods,
/// each strategy forced on every Conv and Dense, or the SIMD kernels at one width only.
/// </summary>
public enum EmitVariant
{
    Default,
    SparseTables,
    SmallMethods,
    ScalarUnrolled,
    SimdTable,
    SimdUnrolled,
    SimdUnrolledSmallMethods,
    ScalarLanesOnly,
    Vector128Only,
    /// <summary>Pixels in lanes as tables at 256 bits with no pool fused.</summary>
    Vector256Only,
    /// <summary>Pixels in lanes as tables at 256 bits with pools fused: the pooled tiles at eight lanes.</summary>
    PooledTablesVector256Only,
    SimdChannels,
    SimdChannelsScalarLanesOnly,
    /// <summary>Channels in lanes at 128 bits with no pool fused: the convolution's own output and a separate pool.</summary>
    SimdChannelsVector128Only,
    /// <summary>Only the live 16-output vectors: channel blocks for the convolutions, sparse blocks for the fully connected layers.</summary>
    Blocks,
    /// <summary>The block kernels at 128 bits (a 16-output block in four pieces) with no pool fused.</summary>
    BlocksVector128Only,
    BlocksScalarLanesOnly,
}

/// <summary>Every <see cref="EmitterCases"/> model in every <see cref="EmitVariant"/>, compiled once into one assembly.</summary>
internal static class CompiledCases
{
    private static readonly Lazy<Dictionary<(string, EmitVariant), CompiledModel>> Models = new(Build);

    public static CompiledModel Get(string name, EmitVariant variant) => Models.Value[(name, variant)];

    /// <summary>
    /// The planner options of a variant. Every variant but the default cuts each layer it can into parts for intra-op
    /// threads, however small, so that the tests run those parts side by side.
    /// </summary>
    public static PlannerOptions OptionsFor(EmitVariant variant) =>
        variant == EmitVariant.Default ? PlannerOptions.Default : VariantOptions(variant) with { MinParallelLayerNanoseconds = 0 };

    private static PlannerOptions VariantOptions(EmitVariant variant) => variant switch
    {
        EmitVariant.SparseTables => PlannerOptions.Default with
        {
            MaxUnrolledNonZerosPerLayer = 0, MaxUnrolledNonZerosPerModel = 0, ForcedConvStrategy = LayerStrategy.SparseTable, ForcedDenseStrategy = LayerStrategy.SparseTable,
        },
        EmitVariant.SmallMethods => PlannerOptions.Default with { MaxStatementsPerMethod = 40, MaxLoopsPerMethod = 6, MaxSimdStatementsPerMethod = 40 },
        EmitVariant.ScalarUnrolled => PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.Unrolled, ForcedDenseStrategy = LayerStrategy.Unrolled },
        EmitVariant.SimdTable => PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.SimdTable, ForcedDenseStrategy = LayerStrategy.DenseSimd },
        EmitVariant.SimdUnrolled => PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.SimdUnrolled, ForcedDenseStrategy = LayerStrategy.DenseSimd },
        EmitVariant.SimdUnrolledSmallMethods => PlannerOptions.Default with
        {
            ForcedConvStrategy = LayerStrategy.SimdUnrolled, ForcedDenseStrategy = LayerStrategy.DenseSimd, MaxSimdStatementsPerMethod = 20,
        },
        EmitVariant.ScalarLanesOnly => PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.SimdTable, ForcedDenseStrategy = LayerStrategy.DenseSimd, LaneWidths = LaneWidths.ScalarOnly },
        EmitVariant.Vector128Only => PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.SimdUnrolled, ForcedDenseStrategy = LayerStrategy.DenseSimd, LaneWidths = LaneWidths.Vector128 },
        EmitVariant.Vector256Only => PlannerOptions.Default with
        {
            ForcedConvStrategy = LayerStrategy.SimdTable, ForcedDenseStrategy = LayerStrategy.DenseSimd, LaneWidths = LaneWidths.Vector256, FusePools = false,
        },
        EmitVariant.PooledTablesVector256Only => PlannerOptions.Default with
        {
            ForcedConvStrategy = LayerStrategy.SimdTable, ForcedDenseStrategy = LayerStrategy.DenseSimd, LaneWidths = LaneWidths.Vector256,
        },
        EmitVariant.SimdChannels => PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.SimdChannels, ForcedDenseStrategy = LayerStrategy.DenseSimd },
        EmitVariant.SimdChannelsScalarLanesOnly => PlannerOptions.Default with
        {
            ForcedConvStrategy = LayerStrategy.SimdChannels, ForcedDenseStrategy = LayerStrategy.DenseSimd, LaneWidths = LaneWidths.ScalarOnly,
        },
        EmitVariant.SimdChannelsVector128Only => PlannerOptions.Default with
        {
            ForcedConvStrategy = LayerStrategy.SimdChannels, ForcedDenseStrategy = LayerStrategy.DenseSimd, LaneWidths = LaneWidths.Vector128, FusePools = false,
        },
        EmitVariant.Blocks => PlannerOptions.Default with { ForcedConvStrategy = LayerStrategy.SimdChannelBlocks, ForcedDenseStrategy = LayerStrategy.SparseBlocks },
        EmitVariant.BlocksVector128Only => PlannerOptions.Default with
        {
            ForcedConvStrategy = LayerStrategy.SimdChannelBlocks, ForcedDenseStrategy = LayerStrategy.SparseBlocks, LaneWidths = LaneWidths.Vector128, FusePools = false,
        },
        EmitVariant.BlocksScalarLanesOnly => PlannerOptions.Default with
        {
            ForcedConvStrategy = LayerStrategy.SimdChannelBlocks, ForcedDenseStrategy = LayerStrategy.SparseBlocks, LaneWidths = LaneWidths.ScalarOnly,
        },
        _ => PlannerOptions.Default,
    };

    public static string Emit(EmitterCase model, EmitVariant variant) =>
        CpuEmitter.Emit(KernelPlanner.Plan(model.Emitted, OptionsFor(variant)), Target(model.Name, variant));

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
