using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace SparseGen.Package.Tests.Infrastructure;

/// <summary>
/// The newcomer's path up to a working build, done once for all tests: the packages packed into a folder
/// feed with a version no cache has seen, a fresh `dotnet new console` in a temporary folder outside the
/// repository with its own nuget.config (the feed beside the usual sources), SparseGen added by
/// `dotnet add package`, a model file and the README's two lines, `dotnet build`, and one run on the JIT.
/// </summary>
public sealed class NewcomerApp : IAsyncLifetime
{
    public const int Samples = 256;

    /// <summary>The last samples hold NaN, ±∞ and huge values.</summary>
    public const int SpecialSamples = 6;

    public const int Seed = 8;
    public static readonly int[] ModelSampleShape = { 1, 28, 28 };

    private readonly StringBuilder log = new();

    public NewcomerApp()
    {
        Root = Path.Combine(Path.GetTempPath(), "sparsegen-newcomer-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
        ToolFeed = Path.Combine(Root, "tool-feed");
        ProjectDirectory = Path.Combine(Root, "App");
        InputPath = Path.Combine(Root, "inputs.bin");
    }

    public string Root { get; }

    /// <summary>The folder feed of the SparseGen package.</summary>
    public string Feed { get; }

    /// <summary>The folder feed of the tool, apart so that the app's restore never reads a package still being written.</summary>
    public string ToolFeed { get; }

    public string ProjectDirectory { get; }

    public string ModelPath => Path.Combine(ProjectDirectory, "model.onnx");

    public string InputPath { get; }

    /// <summary>The packages' version: the repository's VersionPrefix with a suffix unique to this run.</summary>
    public string Version { get; private set; } = "";

    public float[] Inputs { get; private set; } = Array.Empty<float>();

    /// <summary>What the model's logits for <see cref="Inputs"/> must be, computed in the test process.</summary>
    public ExpectedLogits Expected { get; private set; } = new(Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>(), 0);

    /// <summary>The app's logits for <see cref="Inputs"/> on the JIT (x64 here), all instruction sets on.</summary>
    public float[] JitLogits { get; private set; } = Array.Empty<float>();

    /// <summary>What the JIT run printed.</summary>
    public string JitOutput { get; private set; } = "";

    /// <summary>Each step's command and time, for the test logs.</summary>
    public string Log => log.ToString();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        var repository = RepositoryRoot();
        var suffix = string.Create(CultureInfo.InvariantCulture, $"e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");

        // The two packs and the new project at once (they share nothing); the packs' build output stays out of
        // the repository, so they never race the solution's own build of the same projects.
        var artifacts = Path.Combine(Root, "artifacts");
        var packTool = Step(repository, "pack", Path.Combine(repository, "runtime", "SparseGen.Cli", "SparseGen.Cli.csproj"), "-c", "Release", "-o", ToolFeed, "-p:ArtifactsPath=" + artifacts, "-p:VersionSuffix=" + suffix);
        await Task.WhenAll(
            Step(repository, "pack", Path.Combine(repository, "runtime", "SparseGen.Runtime", "SparseGen.Runtime.csproj"), "-c", "Release", "-o", Feed, "-p:ArtifactsPath=" + artifacts, "-p:VersionSuffix=" + suffix),
            Step(Root, "new", "console", "-o", ProjectDirectory, "--no-restore"));
        Version = Path.GetFileName(Directory.GetFiles(Feed, "SparseGen.*.nupkg").Single())["SparseGen.".Length..^".nupkg".Length];

        File.WriteAllText(Path.Combine(ProjectDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="sparsegen-test-feed" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resnet_bn_pruned80.onnx"), ModelPath);
        await Step(ProjectDirectory, "add", "package", "SparseGen", "--version", Version);
        AddModelItem(Path.Combine(ProjectDirectory, "App.csproj"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Consumer", "Program.cs"), Path.Combine(ProjectDirectory, "Program.cs"), overwrite: true);
        await Step(ProjectDirectory, "build", "-c", "Release");
        await packTool;

        Inputs = Logits.RandomInputs(Samples, ModelSampleShape.Aggregate(1, (a, b) => a * b), Seed, SpecialSamples);
        Logits.Write(InputPath, Inputs);
        Expected = Logits.Expected(ModelPath, Inputs, ModelSampleShape, SpecialSamples);
        (JitLogits, JitOutput) = await RunJit("jit", environment: null);
    }

    /// <summary>Runs the built app on <see cref="Inputs"/> with `dotnet App.dll`, under extra environment variables.</summary>
    public async Task<(float[] Logits, string Output)> RunJit(string name, IReadOnlyDictionary<string, string>? environment)
    {
        var outputPath = Path.Combine(Root, name + ".bin");
        var app = Path.Combine(ProjectDirectory, "bin", "Release", "net10.0", "App.dll");
        var result = await ProcessRunner.Run("dotnet", new[] { app, InputPath, outputPath }, Root, environment, TimeSpan.FromMinutes(2));
        Record(result);
        Assert.True(result.ExitCode == 0, result.Describe());
        return (Logits.Read(outputPath), result.StandardOutput);
    }

    /// <summary>A dotnet command that must succeed.</summary>
    internal async Task<ProcessResult> Step(string workingDirectory, params string[] arguments)
    {
        var result = await ProcessRunner.Dotnet(workingDirectory, arguments);
        Record(result);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.Describe());
        }

        return result;
    }

    internal void Record(ProcessResult result)
    {
        lock (log)
        {
            log.AppendLine(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalSeconds,6:F1} s  {result.Command}");
        }
    }

    public Task DisposeAsync()
    {
        TryDelete(Root);
        // The restore put this run's unique version of SparseGen into the global package cache: take it out again.
        if (Version.Length > 0)
        {
            TryDelete(Path.Combine(GlobalPackagesFolder(), "sparsegen", Version.ToLowerInvariant()));
        }

        return Task.CompletedTask;
    }

    /// <summary>The README's project-file line, added as a newcomer adds it.</summary>
    private static void AddModelItem(string projectFile)
    {
        var project = File.ReadAllText(projectFile);
        var item = """
              <ItemGroup>
                <SparseModel Include="model.onnx" />
              </ItemGroup>

            </Project>
            """;
        File.WriteAllText(projectFile, project.Replace("</Project>", item, StringComparison.Ordinal));
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string RepositoryRoot()
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
}

[CollectionDefinition(Name)]
public sealed class NewcomerCollection : ICollectionFixture<NewcomerApp>
{
    public const string Name = "newcomer";
}
