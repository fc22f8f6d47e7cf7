namespace SparseGen.Generator.Planning;

/// <summary>
/// The limits the GPU planner keeps to. ILGPU compiles each kernel from IL to PTX when it is first
/// loaded and the driver compiles PTX to machine code, both slower for long methods, so a kernel holds at
/// most <see cref="MaxStatementsPerKernel"/> statements and <see cref="MaxAccumulatorsPerKernel"/> output
/// channels (each a register live through the whole kernel). Unrolled layers are bounded per layer and per
/// model like on the CPU (the generated source is compiled by Roslyn first). None of these figures is
/// measured on a GPU yet: see docs/gpu.md.
/// </summary>
internal sealed record GpuOptions(
    long MaxUnrolledNonZerosPerLayer,
    long MaxUnrolledNonZerosPerModel,
    int MaxStatementsPerKernel,
    int MaxAccumulatorsPerKernel,
    bool FusePools)
{
    public static GpuOptions Default { get; } = new(16_384, 65_536, 600, 16, FusePools: true);
}
