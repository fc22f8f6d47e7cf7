using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace SparseGen.Generator.Tests.EndToEnd;

/// <summary>The README's main command, as a user runs it: MSBuild, the generator as an analyzer, the program.</summary>
public sealed class FashionMnistSampleTests
{
    [Fact]
    public async Task Sample_builds_through_msbuild_and_agrees_with_onnx_runtime_on_all_test_images()
    {
        var repository = RepositoryRoot();

        var (exit, output) = await Dotnet(repository, "run", "-c", "Release", "--project", Path.Combine("samples", "FashionMnist"));

        Assert.True(exit == 0, output);
        Assert.Contains("agreement with ONNX Runtime 10,000 of 10,000 predictions", output, StringComparison.Ordinal);
        Assert.Contains("accuracy ", output, StringComparison.Ordinal);
        Assert.Contains("fashion_cnn_mac_aware90.onnx", output, StringComparison.Ordinal);

        // Built now: its help, and a --data folder that does not exist refused rather than replaced by another.
        var program = Path.Combine(repository, "samples", "FashionMnist", "bin", "Release", "net10.0", "FashionMnist.dll");
        var (helpExit, help) = await Dotnet(repository, program, "--help");
        var (missingExit, missing) = await Dotnet(repository, program, "--data", Path.Combine(repository, "no-such-folder"));

        Assert.True(helpExit == 0, help);
        Assert.Contains("Usage: FashionMnist [--data DIR]", help, StringComparison.Ordinal);
        Assert.Equal(2, missingExit);
        Assert.Contains("no-such-folder' given with --data does not exist", missing, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SparseGen.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("SparseGen.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Exit, string Output)> Dotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings must not leak into the nested build.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
