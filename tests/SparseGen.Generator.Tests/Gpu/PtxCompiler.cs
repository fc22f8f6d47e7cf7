using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace SparseGen.Generator.Tests.Gpu;

/// <summary>
/// ILGPU's PTX backend without a GPU: compiles a kernel as the CUDA accelerator would, which catches what
/// the CPU accelerator (it runs the IL as it is) lets through, e.g. a math call with no PTX intrinsic.
/// </summary>
internal static class PtxCompiler
{
    private static readonly object Gate = new();
    private static Context? s_context;
    private static PTXBackend? s_backend;

    /// <summary>The PTX of one kernel method, for SM 7.5 (the oldest architecture ILGPU 1.5 targets by default).</summary>
    public static string Compile(MethodInfo kernel)
    {
        lock (Gate)
        {
            s_context ??= Context.Create(builder => builder.CPU().Cuda());
            s_backend ??= new PTXBackend(s_context, CudaArchitecture.SM_75, CudaInstructionSet.ISA_70, null!);
            var entry = EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
            var compiled = (PTXCompiledKernel)s_backend.Compile(entry, KernelSpecialization.Empty);
            return compiled.PTXAssembly;
        }
    }
}
