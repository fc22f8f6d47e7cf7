using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using SparseGen.Package.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SparseGen.Package.Tests;

/// <summary>The fresh app published for linux-arm64 and run under qemu user-mode emulation.</summary>
[Collection(NewcomerCollection.Name)]
[Trait("Category", "Packaging")]
public sealed class Arm64EmulationTests
{
    private readonly NewcomerApp app;
    private readonly ITestOutputHelper output;

    public Arm64EmulationTests(NewcomerApp app, ITestOutputHelper output)
    {
        this.app = app;
        this.output = output;
    }

    [QemuFact]
    public async Task Linux_arm64_build_under_qemu_matches_the_x64_logits()
    {
        var (arm64, standardOutput) = await PublishAndRunUnderQemu(app.ProjectDirectory, "arm64");

        output.WriteLine($"arm64 under qemu: {standardOutput.Trim()} · {Logits.BitIdentical(app.JitLogits, arm64)} of {arm64.Length} logits bit-identical to x64");
        Assert.Contains($"samples {NewcomerApp.Samples}", standardOutput, StringComparison.Ordinal);
        Logits.AssertSameOutputs(app.JitLogits, arm64, "linux-arm64 under qemu vs x64");
        Logits.AssertMatches(app.Expected, arm64, "linux-arm64 under qemu");
    }

    /// <summary>
    /// The same app on the CNN pruned in vectors of 16 channels, whose conv2 and fc1 run the block kernels (channel blocks,
    /// sparse blocks): ARM64's 128-bit lanes against x64's widest and against ONNX Runtime.
    /// </summary>
    [QemuFact]
    public async Task Block_kernels_under_qemu_match_the_x64_logits_and_onnx_runtime()
    {
        var project = Path.Combine(app.Root, "BlockApp");
        Directory.CreateDirectory(project);
        foreach (var file in new[] { "App.csproj", "nuget.config", "Program.cs" })
        {
            File.Copy(Path.Combine(app.ProjectDirectory, file), Path.Combine(project, file));
        }

        var model = Path.Combine(project, "model.onnx");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "fashion_cnn_mac_aware90_blocks16.onnx"), model);
        await app.Step(project, "build", "-c", "Release");
        var x64Path = Path.Combine(app.Root, "blocks-x64.bin");
        var x64Run = await ProcessRunner.Run("dotnet", new[] { Path.Combine(project, "bin", "Release", "net10.0", "App.dll"), app.InputPath, x64Path }, app.Root, null, TimeSpan.FromMinutes(2));
        app.Record(x64Run);
        Assert.True(x64Run.ExitCode == 0, x64Run.Describe());
        var x64 = Logits.Read(x64Path);

        var (arm64, standardOutput) = await PublishAndRunUnderQemu(project, "blocks-arm64");

        output.WriteLine($"block model, arm64 under qemu: {standardOutput.Trim()} · {Logits.BitIdentical(x64, arm64)} of {arm64.Length} logits bit-identical to x64");
        var expected = Logits.Expected(model, app.Inputs, NewcomerApp.ModelSampleShape, NewcomerApp.SpecialSamples);
        Logits.AssertMatches(expected, x64, "x64");
        Logits.AssertSameOutputs(x64, arm64, "linux-arm64 under qemu vs x64");
        Logits.AssertMatches(expected, arm64, "linux-arm64 under qemu");
    }

    /// <summary>Publishes the project for linux-arm64 (self-contained) and runs it on the app's inputs under qemu.</summary>
    private async Task<(float[] Logits, string StandardOutput)> PublishAndRunUnderQemu(string project, string name)
    {
        Assert.True(File.Exists(Qemu.ArmLoader), $"{Qemu.ArmLoader} is missing: apt-get install libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross");
        var publishFolder = Path.Combine(app.Root, name);
        await app.Step(project, "publish", "-c", "Release", "-r", "linux-arm64", "--self-contained", "-o", publishFolder);
        var outputPath = Path.Combine(app.Root, name + ".bin");
        var environment = new Dictionary<string, string>
        {
            ["QEMU_LD_PREFIX"] = Qemu.ArmSysroot,
            ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
        };
        var run = await ProcessRunner.Run(Qemu.Path!, new[] { Path.Combine(publishFolder, "App"), app.InputPath, outputPath }, app.Root, environment, TimeSpan.FromMinutes(4));
        app.Record(run);

        output.WriteLine(app.Log);
        Assert.True(run.ExitCode == 0, run.Describe());
        return (Logits.Read(outputPath), run.StandardOutput);
    }
}

/// <summary>Runs only where qemu's aarch64 user-mode emulator is installed.</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute()
    {
        if (Qemu.Path is null)
        {
            Skip = "qemu-aarch64-static is not installed (apt-get install qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross; .ci/run does this)";
        }
    }
}

/// <summary>Where Debian's qemu-user-static and its arm64 cross libraries are.</summary>
internal static class Qemu
{
    public const string ArmSysroot = "/usr/aarch64-linux-gnu";

    public static string ArmLoader => System.IO.Path.Combine(ArmSysroot, "lib", "ld-linux-aarch64.so.1");

    public static string? Path { get; } = Find("qemu-aarch64-static") ?? Find("qemu-aarch64");

    private static string? Find(string program)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(folder, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
