using System;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace SparseGen.Generator.Tests.Gpu;

/// <summary>ILGPU's CPU accelerator, shared by every GPU test: it runs the same kernels as a GPU would, on threads.</summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public CpuAcceleratorFixture()
    {
        Context = Context.Create(builder => builder.CPU());
        Accelerator = Context.GetCPUDevice(0).CreateCPUAccelerator(Context);
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CpuAcceleratorCollection : ICollectionFixture<CpuAcceleratorFixture>
{
    public const string Name = "ILGPU CPU accelerator";
}
