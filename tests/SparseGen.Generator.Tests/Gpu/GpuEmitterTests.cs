using System;
using System.Linq;
using SparseGen.Generator.Tests.Emitting;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Gpu;

/// <summary>Every op case, emitted as ILGPU kernels in every variant, agrees with the reference evaluator and the CPU code.</summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class GpuEmitterTests(CpuAcceleratorFixture gpu)
{
    public static TheoryData<string, GpuVariant> Cases
    {
        get
        {
            var data = new TheoryData<string, GpuVariant>();
            foreach (var model in EmitterCases.All)
            {
                foreach (var variant in Enum.GetValues<GpuVariant>())
                {
                    data.Add(model.Name, variant);
                }
            }

            return data;
        }
    }

    public static TheoryData<string> Names => EmitterCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernels_on_the_cpu_accelerator_match_the_reference_evaluator_and_cpu_code(string name, GpuVariant variant)
    {
        var model = EmitterCases.Get(name);
        const int batch = 2;
        var input = RandomData.Floats(name.Length + 31, batch * model.Original.InputLength, -2f, 2f);
        var expected = ReferenceEvaluator.Run(model.Original, input, batch);
        var cpu = new float[expected.Length];
        CompiledCases.Get(name, EmitVariant.Default).PredictBatch(input, cpu, batch);

        using var runner = GpuCompiledCases.Get(name, variant).Create(gpu.Accelerator);
        var actual = new float[expected.Length];
        runner.Predict(input, actual, batch);

        Close.Assert(expected, actual, "GPU kernels vs reference evaluator");
        Close.Assert(cpu, actual, "GPU kernels vs CPU code");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_kernel_compiles_to_ptx(string name)
    {
        foreach (var variant in new[] { GpuVariant.Default, GpuVariant.Tables })
        {
            foreach (var kernel in GpuCompiledCases.Get(name, variant).Kernels)
            {
                var ptx = PtxCompiler.Compile(kernel);
                Assert.Contains(".entry", ptx, StringComparison.Ordinal);
            }
        }
    }
}
