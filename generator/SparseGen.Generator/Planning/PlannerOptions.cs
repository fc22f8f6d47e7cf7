namespace SparseGen.Generator.Planning;

/// <summary>
/// The limits the planner and the emitter keep to. The defaults come from measurements
/// (docs KERNELS.md): unrolled code pays up to about 20K nonzeros per layer, and about 50K unrolled
/// nonzeros per assembly keeps the build time reasonable (Roslyn compiles 50–80 KB of source a second).
/// The JIT stops optimising methods past about 20,000 IL instructions or 2,000 basic blocks, so
/// methods are cut at about 1,000 statements and 200 loops.
/// </summary>
internal sealed record PlannerOptions(
    long MaxUnrolledNonZerosPerLayer,
    long MaxUnrolledNonZerosPerModel,
    int MaxStatementsPerMethod,
    int MaxLoopsPerMethod)
{
    public static PlannerOptions Default { get; } = new(20_000, 50_000, 1_000, 200);
}
