using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace SparseGen.Package.Tests.Infrastructure;

/// <summary>What a finished process printed, and how long it took.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    public string Describe() =>
        $"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:F0} s\n--- stdout ---\n{Tail(StandardOutput)}\n--- stderr ---\n{Tail(StandardError)}";

    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}

/// <summary>Runs the commands a newcomer types, as child processes with a clean MSBuild environment.</summary>
internal static class ProcessRunner
{
    /// <summary>MSBuild settings that the test host's own build leaves in the environment; a nested build must not see them.</summary>
    private static readonly string[] HostBuildVariables =
    {
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "DOTNET_HOST_PATH",
    };

    public static Task<ProcessResult> Dotnet(string workingDirectory, params string[] arguments) =>
        Run("dotnet", arguments, workingDirectory, environment: null, TimeSpan.FromMinutes(6));

    /// <param name="environment">Variables to set; an empty value removes the variable.</param>
    public static async Task<ProcessResult> Run(
        string fileName,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in HostBuildVariables)
        {
            start.Environment.Remove(variable);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild node outlives the command (a surviving node would hold the test's output pipes open).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value.Length == 0)
                {
                    start.Environment.Remove(name);
                }
                else
                {
                    start.Environment[name] = value;
                }
            }
        }

        var command = fileName + " " + string.Join(' ', arguments);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + command);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{command}` ran longer than {timeout.TotalMinutes:F0} minutes");
        }

        return new ProcessResult(command, process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }
}
