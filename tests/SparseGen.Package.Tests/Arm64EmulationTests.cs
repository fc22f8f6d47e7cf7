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
        Assert.True(File.Exists(Qemu.ArmLoader), $"{Qemu.ArmLoader} is missing: apt-get install libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross");
        var publishFolder = Path.Combine(app.Root, "arm64");

        await app.Step(app.ProjectDirectory, "publish", "-c", "Release", "-r", "linux-arm64", "--self-contained", "-o", publishFolder);
        var outputPath = Path.Combine(app.Root, "arm64.bin");
        var environment = new Dictionary<string, string>
        {
            ["QEMU_LD_PREFIX"] = Qemu.ArmSysroot,
            ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
        };
        var run = await ProcessRunner.Run(Qemu.Path!, new[] { Path.Combine(publishFolder, "App"), app.InputPath, outputPath }, app.Root, environment, TimeSpan.FromMinutes(4));
        app.Record(run);

        output.WriteLine(app.Log);
        Assert.True(run.ExitCode == 0, run.Describe());
        var arm64 = Logits.Read(outputPath);
        output.WriteLine($"arm64 under qemu: {run.StandardOutput.Trim()} · {Logits.BitIdentical(app.JitLogits, arm64)} of {arm64.Length} logits bit-identical to x64");
        Assert.Contains($"samples {NewcomerApp.Samples}", run.StandardOutput, StringComparison.Ordinal);
        Logits.AssertClose(app.JitLogits, arm64, "linux-arm64 under qemu vs x64");
        Logits.AssertClose(app.Reference, arm64, "linux-arm64 under qemu vs ONNX Runtime");
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
