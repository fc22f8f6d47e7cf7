using System.Linq;
using Microsoft.CodeAnalysis;
using SparseGen.Generator.Tests.Pipeline;
using SparseGen.Model.Tests.Conformance;

namespace SparseGen.Generator.Tests.Gpu;

/// <summary>GPU code is written only for projects that reference ILGPU and SparseGen.Gpu, unless SparseGenEmitGpu=false.</summary>
public sealed class GpuPipelineTests
{
    [Fact]
    public void A_project_without_ilgpu_gets_cpu_code_only()
    {
        using var harness = Harness();
        var (_, result, _) = harness.Run();

        Assert.Equal(new[] { "Net.Cpu.g.cs" }, HintNames(result));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void A_project_with_ilgpu_and_the_gpu_runtime_gets_gpu_code_that_compiles()
    {
        using var harness = Harness();
        var (_, result, output) = harness.Run((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)harness.CreateCompilation().AddReferences(GpuCompiler.References.Value));

        Assert.Equal(new[] { "Net.Cpu.g.cs", "Net.Gpu.g.cs" }, HintNames(result));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void SparseGenEmitGpu_false_turns_gpu_code_off()
    {
        using var harness = Harness();
        harness.BuildProperties["SparseGenEmitGpu"] = "false";
        var (_, result, _) = harness.Run((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)harness.CreateCompilation().AddReferences(GpuCompiler.References.Value));

        Assert.Equal(new[] { "Net.Cpu.g.cs" }, HintNames(result));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Ilgpu_without_the_gpu_runtime_warns_SPG030()
    {
        using var harness = Harness();
        var (_, result, _) = harness.Run((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)harness.CreateCompilation().AddReferences(GpuCompiler.References.Value[0]));

        Assert.Equal(new[] { "Net.Cpu.g.cs" }, HintNames(result));
        Assert.Equal("SPG030", Assert.Single(result.Diagnostics).Id);
    }

    private static GeneratorHarness Harness()
    {
        var harness = new GeneratorHarness();
        harness.AddModel("model.onnx", OpCases.Get("Conv_3x3_pad1").Build());
        harness.AddSource("[SparseGen.SparseModel(\"model.onnx\")] public static partial class Net { }");
        return harness;
    }

    private static string[] HintNames(GeneratorDriverRunResult result) =>
        result.GeneratedTrees.Select(t => System.IO.Path.GetFileName(t.FilePath)).OrderBy(n => n, System.StringComparer.Ordinal).ToArray();
}
