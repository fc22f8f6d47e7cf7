using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SparseGen.Package.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SparseGen.Package.Tests;

/// <summary>
/// What a newcomer does with the packages, from a fresh `dotnet new console` outside the repository; every
/// output is checked against ONNX Runtime on the same model file, in this process.
/// </summary>
[Collection(NewcomerCollection.Name)]
[Trait("Category", "Packaging")]
public sealed class NewcomerPathTests
{
    private readonly NewcomerApp app;
    private readonly ITestOutputHelper output;

    public NewcomerPathTests(NewcomerApp app, ITestOutputHelper output)
    {
        this.app = app;
        this.output = output;
    }

    [Fact]
    public void Fresh_console_app_referencing_the_package_builds_and_matches_onnx_runtime()
    {
        output.WriteLine(app.Log);

        Logits.AssertMatches(app.Expected, app.JitLogits, "dotnet build of a fresh console app with the SparseGen package");
        Assert.Contains($"samples {NewcomerApp.Samples}", app.JitOutput, StringComparison.Ordinal);
        // Only the runtime library reaches the app: the generator and its model layer stay in the compiler.
        var outputFolder = Path.Combine(app.ProjectDirectory, "bin", "Release", "net10.0");
        Assert.True(File.Exists(Path.Combine(outputFolder, "SparseGen.Runtime.dll")), "SparseGen.Runtime.dll is not in the app's output");
        Assert.False(File.Exists(Path.Combine(outputFolder, "SparseGen.Generator.dll")), "the generator leaked into the app's output");
    }

    [Fact]
    public async Task Jit_with_simd_instruction_sets_turned_off_gives_the_same_logits_every_time()
    {
        // .NET 8 and 9 name the AVX-512 switch EnableAVX512F; .NET 10 EnableAVX512.
        var configurations = new (string Name, Dictionary<string, string> Environment, string Disabled)[]
        {
            ("no-avx512", new() { ["DOTNET_EnableAVX512F"] = "0", ["DOTNET_EnableAVX512"] = "0" }, "avx512f False"),
            ("no-avx2", new() { ["DOTNET_EnableAVX2"] = "0" }, "avx2 False"),
            // SSE alone, as NativeAOT compiles by default: four lanes with a separate multiply and add.
            ("no-avx", new() { ["DOTNET_EnableAVX"] = "0" }, "fma False"),
            ("no-hwintrinsic", new() { ["DOTNET_EnableHWIntrinsic"] = "0" }, "vector128 False"),
            ("all-off", new() { ["DOTNET_EnableAVX512F"] = "0", ["DOTNET_EnableAVX512"] = "0", ["DOTNET_EnableAVX2"] = "0", ["DOTNET_EnableHWIntrinsic"] = "0" }, "vector128 False"),
        };

        output.WriteLine("default: " + app.JitOutput.Trim());
        foreach (var (name, environment, disabled) in configurations)
        {
            var (logits, printed) = await app.RunJit(name, environment);
            var (again, _) = await app.RunJit(name + "-again", environment);

            output.WriteLine($"{name}: {printed.Trim()} · {Logits.BitIdentical(app.JitLogits, logits)} of {logits.Length} logits bit-identical to the default run");
            Assert.Contains(disabled, printed, StringComparison.Ordinal);
            Assert.Equal(logits, again);
            Logits.AssertMatches(app.Expected, logits, name);
            Logits.AssertSameOutputs(app.JitLogits, logits, name + " vs the default JIT run");
        }
    }

    /// <summary>
    /// In an app as it runs by default (tiered compilation, dynamic PGO), the JIT optimises every generated kernel: none
    /// is left at MinOpts or tier 0. The newcomer's residual network, and the block-pruned CNN whose kernels read aligned
    /// tables (the case that once fell to MinOpts, which the in-process tests could not see).
    /// </summary>
    [Fact]
    public async Task The_jit_optimises_every_generated_kernel_in_the_app()
    {
        var project = Path.Combine(app.Root, "BlockJitApp");
        Directory.CreateDirectory(project);
        foreach (var file in new[] { "App.csproj", "nuget.config", "Program.cs" })
        {
            File.Copy(Path.Combine(app.ProjectDirectory, file), Path.Combine(project, file));
        }

        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "fashion_cnn_mac_aware90_blocks16.onnx"), Path.Combine(project, "model.onnx"));
        await app.Step(project, "build", "-c", "Release");

        foreach (var (name, folder) in new[] { ("resnet", app.ProjectDirectory), ("blocks", project) })
        {
            var summary = Path.Combine(app.Root, name + "-jit.txt");
            var environment = new Dictionary<string, string> { ["DOTNET_JitDisasmSummary"] = "1", ["DOTNET_JitStdOutFile"] = summary };
            var run = await ProcessRunner.Run("dotnet", new[] { Path.Combine(folder, "bin", "Release", "net10.0", "App.dll"), app.InputPath, Path.Combine(app.Root, name + "-jit.bin") }, app.Root, environment, TimeSpan.FromMinutes(2));
            Assert.True(run.ExitCode == 0, run.Describe());

            var kernels = File.ReadAllLines(summary).Where(line => line.Contains("+SparseGenKernels:Layer", StringComparison.Ordinal)).ToList();
            output.WriteLine($"{name}: {kernels.Count} kernel methods compiled");
            Assert.NotEmpty(kernels);
            Assert.All(kernels, line => Assert.True(line.Contains("[FullOpts", StringComparison.Ordinal) || line.Contains("[Tier1", StringComparison.Ordinal), line));
        }
    }

    [Fact]
    public async Task NativeAot_publish_of_the_fresh_app_matches_onnx_runtime()
    {
        var publishFolder = Path.Combine(app.Root, "aot");

        await app.Step(app.ProjectDirectory, "publish", "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", publishFolder);
        var binary = Path.Combine(publishFolder, "App");
        var outputPath = Path.Combine(app.Root, "aot.bin");
        var run = await ProcessRunner.Run(binary, new[] { app.InputPath, outputPath }, app.Root, environment: null, TimeSpan.FromMinutes(2));

        output.WriteLine(app.Log);
        output.WriteLine($"NativeAOT binary {new FileInfo(binary).Length:N0} bytes; {run.StandardOutput.Trim()}");
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.False(File.Exists(Path.Combine(publishFolder, "App.dll")), "the publish is not native: App.dll is beside the binary");
        Logits.AssertMatches(app.Expected, Logits.Read(outputPath), "NativeAOT build");
    }

    [Fact]
    public async Task Sparsegen_tool_installs_from_the_feed_and_inspects_the_model()
    {
        var toolFolder = Path.Combine(app.Root, "tools");

        await app.Step(app.Root, "tool", "install", "--tool-path", toolFolder, "--add-source", app.ToolFeed, "SparseGen.Cli", "--version", app.Version);
        var inspect = await ProcessRunner.Run(Path.Combine(toolFolder, "sparsegen"), new[] { "inspect", app.ModelPath, "--json" }, app.Root, environment: null, TimeSpan.FromMinutes(1));

        Assert.True(inspect.ExitCode == 0, inspect.Describe());
        using var report = JsonDocument.Parse(inspect.StandardOutput);
        var totals = report.RootElement.GetProperty("totals");
        var layers = report.RootElement.GetProperty("layers").EnumerateArray().Select(layer => layer.GetProperty("name").GetString()).ToList();
        output.WriteLine($"sparsegen inspect: {layers.Count} layers, totals {totals}");
        // The tool and the generated class read the same file through the same model layer, one in the
        // installed tool, the other in the compiler: their counts must agree.
        Assert.Contains($"parameters {totals.GetProperty("parameters").GetInt64()} nonzeros {totals.GetProperty("nonZeros").GetInt64()}", app.JitOutput, StringComparison.Ordinal);
        Assert.NotEmpty(layers);
    }
}
