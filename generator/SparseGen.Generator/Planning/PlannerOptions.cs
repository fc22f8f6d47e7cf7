namespace SparseGen.Generator.Planning;

/// <summary>
/// The limits the planner and the emitter keep to. The defaults come from measurements
/// (docs/kernels.md, "Cost model"): unrolled code pays up to about 20K nonzeros per
/// layer, and about 50K unrolled nonzeros per assembly keeps the build time reasonable (Roslyn compiles
/// 50–80 KB of source a second). The JIT stops optimising methods past about 20,000 IL instructions or
/// 2,000 basic blocks, so methods are cut at about 1,000 statements and 200 loops; a SIMD statement
/// costs the JIT several scalar ones, so unrolled SIMD code is cut at <see cref="MaxSimdStatementsPerMethod"/>.
/// </summary>
/// <param name="ForcedConvStrategy">Every convolution gets this strategy (tests), or null for the cost model's choice.</param>
/// <param name="ForcedDenseStrategy">Every fully connected layer gets this strategy (tests), or null.</param>
/// <param name="LaneWidths">
/// The SIMD widths in bits the generated code may pick at run time, widest first; 0 stands for the scalar
/// path, which is always there as the last resort. Tests narrow it to check a width on any machine.
/// </param>
/// <param name="FusePools">Whether a 2×2 max pool after a SIMD convolution is computed inside it.</param>
/// <param name="MinParallelLayerNanoseconds">The estimated time from which a layer is cut into parts for intra-op threads (0: every layer that can be).</param>
/// <param name="BatchInLanes">Whether PredictBatch runs the model's fully connected tail with the samples in SIMD lanes (<see cref="BatchSection"/>).</param>
internal sealed record PlannerOptions(
    long MaxUnrolledNonZerosPerLayer,
    long MaxUnrolledNonZerosPerModel,
    int MaxStatementsPerMethod,
    int MaxLoopsPerMethod,
    int MaxSimdStatementsPerMethod = 600,
    LayerStrategy? ForcedConvStrategy = null,
    LayerStrategy? ForcedDenseStrategy = null,
    LaneWidths LaneWidths = LaneWidths.All,
    bool FusePools = true,
    bool BatchInLanes = true,
    double MinParallelLayerNanoseconds = CostModel.MinParallelLayerNanoseconds)
{
    public static PlannerOptions Default { get; } = new(20_000, 50_000, 1_000, 200);
}

/// <summary>The SIMD paths the generated dispatch includes; the scalar path is always included.</summary>
[System.Flags]
internal enum LaneWidths
{
    ScalarOnly = 0,
    Vector128 = 1,
    Vector256 = 2,
    Vector512 = 4,
    All = Vector128 | Vector256 | Vector512,
}
