using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using SparseGen.Package.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SparseGen.Package.Tests;

/// <summary>
/// The README's quick start, typed literally by someone who has just cloned the repository: its shell blocks run
/// as written from the root of a fresh copy of the working tree, with a home folder of its own (so <c>~</c>, the
/// NuGet configuration, the package cache and the global tools are new), its project-file item and its two C# files
/// go where the text says, and the app and the tool run.
/// </summary>
[Trait("Category", "Packaging")]
public sealed partial class QuickStartTests
{
    private readonly ITestOutputHelper output;

    public QuickStartTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public async Task The_readme_quick_start_typed_literally_in_a_fresh_clone_works()
    {
        var root = Path.Combine(Path.GetTempPath(), "sparsegen-quickstart-" + Guid.NewGuid().ToString("N")[..12]);
        var clone = Path.Combine(root, "SparseGen");
        var home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        try
        {
            var repository = RepositoryRoot();
            await CopyWorkingTree(repository, clone);
            var quickStart = Section(File.ReadAllText(Path.Combine(clone, "README.md")), "## Quick start", "### Numbers");
            var blocks = CodeBlocks(quickStart);
            var shell = blocks.Where(b => b.Language == "sh").Select(b => b.Text).ToList();
            var item = blocks.Single(b => b.Language == "xml").Text;
            var csharp = blocks.Where(b => b.Language == "csharp").Select(b => b.Text).ToList();
            Assert.Equal(2, shell.Count);
            Assert.Equal(2, csharp.Count);
            // A home of its own; the package cache and the CLI's home follow it (an empty value removes a variable).
            var environment = new Dictionary<string, string> { ["HOME"] = home, ["NUGET_PACKAGES"] = "", ["DOTNET_CLI_HOME"] = "" };

            // The shell blocks, as typed, one after the other in one shell: the packs from the clone's root, then the app.
            Succeed(await ProcessRunner.Run("bash", new[] { "-euo", "pipefail", "-c", string.Join("\n", shell) }, clone, environment, TimeSpan.FromMinutes(12)));
            var app = Path.Combine(home, "MyApp");
            var project = Path.Combine(app, "MyApp.csproj");
            File.WriteAllText(project, File.ReadAllText(project).Replace("</Project>", item + "\n</Project>", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(app, "Net.cs"), csharp[0]);
            File.WriteAllText(Path.Combine(app, "Program.cs"), csharp[1]);

            var run = Succeed(await ProcessRunner.Run("dotnet", new[] { "run" }, app, environment, TimeSpan.FromMinutes(6)));
            var logits = run.StandardOutput.Trim().Split('\n')[^1].Split(", ");
            Assert.Equal(10, logits.Length);
            Assert.All(logits, logit => Assert.True(float.TryParse(logit, System.Globalization.CultureInfo.InvariantCulture, out _), logit));

            // The tool, installed as the quick start says and run on the model.
            var install = ToolLine().Match(quickStart);
            Assert.True(install.Success, "the quick start gives no `dotnet tool install` line");
            Succeed(await ProcessRunner.Run("bash", new[] { "-euo", "pipefail", "-c", install.Groups[1].Value }, app, environment, TimeSpan.FromMinutes(4)));
            var inspect = Succeed(await ProcessRunner.Run(Path.Combine(home, ".dotnet", "tools", "sparsegen"), new[] { "inspect", "model.onnx" }, app, environment, TimeSpan.FromMinutes(2)));
            Assert.Contains("weight layers", inspect.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    private ProcessResult Succeed(ProcessResult result)
    {
        output.WriteLine($"{result.Elapsed.TotalSeconds,6:F1} s  {result.Command}");
        Assert.True(result.ExitCode == 0, result.Describe());
        return result;
    }

    /// <summary>The text of a README section, from its heading to the next heading named.</summary>
    private static string Section(string readme, string heading, string next)
    {
        var start = readme.IndexOf(heading, StringComparison.Ordinal);
        var end = readme.IndexOf(next, start, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"README.md has no section '{heading}' followed by '{next}'");
        return readme[start..end];
    }

    private static List<(string Language, string Text)> CodeBlocks(string markdown) =>
        CodeBlock().Matches(markdown).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    [GeneratedRegex(@"^```(\w+)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`(dotnet tool install [^`]+)`")]
    private static partial Regex ToolLine();

    /// <summary>The files a clone has: tracked ones and new ones git would add, as they are in the working tree.</summary>
    private static async Task CopyWorkingTree(string repository, string clone)
    {
        var listed = await ProcessRunner.Run("git", new[] { "ls-files", "--cached", "--others", "--exclude-standard", "-z" }, repository, null, TimeSpan.FromMinutes(1));
        Assert.True(listed.ExitCode == 0, listed.Describe());
        foreach (var file in listed.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var source = Path.Combine(repository, file);
            if (!File.Exists(source))
            {
                continue;
            }

            var target = Path.Combine(clone, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
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
