using System.Collections.Immutable;
using SparseGen.Generator.Emitting.Cpu;

namespace SparseGen.Generator.Emitting;

/// <summary>
/// The members the generated code adds to a <c>[SparseModel]</c> class, so the parser can refuse a class that declares
/// one of them itself (which would otherwise surface as CS0102 inside generated code).
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>Every name the CPU and GPU code declare on the class (methods by name; their signatures below).</summary>
    public static readonly ImmutableHashSet<string> Names = ImmutableHashSet.Create(
        "InputLength", "OutputLength", "InputShape", "OutputShape", "Parameters", "NonZeros", "DenseMacs", "SparseMacs", "Layers",
        "Predict", "PredictBatch", CpuEmitter.KernelClassName,
        "CreateGpu", Gpu.GpuEmitter.RunnerClassName, Gpu.GpuEmitter.KernelClassName);

    /// <summary>The generated methods' parameter types, as Roslyn displays them: a user's overload with other parameters is welcome.</summary>
    public static readonly ImmutableArray<(string Name, ImmutableArray<string> Parameters)> MethodSignatures = ImmutableArray.Create(
        ("Predict", ImmutableArray.Create("System.ReadOnlySpan<float>", "System.Span<float>")),
        ("Predict", ImmutableArray.Create("System.ReadOnlySpan<float>", "System.Span<float>", "int")),
        ("PredictBatch", ImmutableArray.Create("System.ReadOnlySpan<float>", "System.Span<float>", "int")),
        ("CreateGpu", ImmutableArray.Create("ILGPU.Runtime.Accelerator")));
}
