using System;
using System.Diagnostics;
using System.IO;
using SparseGen.Generator.Tests.Emitting;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SparseGen.Generator.Tests.Gpu;

/// <summary>The PyTorch-made fixtures as ILGPU kernels agree with the reference evaluator, the CPU code and PyTorch.</summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class GpuFixtureTests(CpuAcceleratorFixture gpu, ITestOutputHelper output)
{
    public static TheoryData<string> AllFiles => Fixtures.OnnxFileData;

    private static readonly System.Collections.Generic.HashSet<string> FilesWithIoSet = new(Fixtures.FilesWithIo);

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Kernels_match_the_reference_evaluator_cpu_code_and_pytorch(string file)
    {
        var watch = Stopwatch.StartNew();
        var fixture = CompiledFixtures.Get(file);
        var model = Compile(file, fixture);
        output.WriteLine($"{file}: CPU and GPU code emitted and compiled in {watch.ElapsedMilliseconds} ms");

        // One sample (PyTorch's first where the fixture has them): the CPU accelerator runs every kernel on simulated warps, slowly.
        var io = FilesWithIoSet.Contains(file) ? Fixtures.LoadIo(file) : null;
        var input = io is null
            ? RandomData.Floats(11, fixture.Original.InputLength, -1f, 1f)
            : io.Inputs.AsSpan(0, fixture.Original.InputLength).ToArray();
        using var runner = model.Create(gpu.Accelerator);
        var actual = new float[runner.OutputLength];
        runner.Predict(input, actual, 1);

        Close.Assert(ReferenceEvaluator.Run(fixture.Original, input, 1), actual, "GPU kernels vs reference evaluator");
        Close.Assert(fixture.Model.PredictEach(input, 1), actual, "GPU kernels vs CPU code");
        if (io is not null)
        {
            Close.Assert(io.Outputs.AsSpan(0, runner.OutputLength).ToArray(), actual, "GPU kernels vs PyTorch");
        }

        foreach (var kernel in model.Kernels)
        {
            Assert.Contains(".entry", PtxCompiler.Compile(kernel), StringComparison.Ordinal);
        }
    }

    private static GpuCompiledModel Compile(string file, CompiledFixture fixture)
    {
        var ns = "GpuFixtures." + Path.GetFileNameWithoutExtension(file);
        var source = GpuCompiler.Emit(fixture.Optimized, ns, file, GpuVariant.Default);
        var assembly = GeneratedModelCompiler.Compile(ns, new[] { (ns + ".Gpu.g.cs", source) }, GpuCompiler.References.Value);
        return new GpuCompiledModel(assembly.GetType(ns + ".Model", throwOnError: true)!);
    }
}
