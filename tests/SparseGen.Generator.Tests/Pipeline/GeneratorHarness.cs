using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SparseGen.Generator.Tests.Emitting;

namespace SparseGen.Generator.Tests.Pipeline;

/// <summary>
/// Runs <see cref="SparseModelGenerator"/> through Roslyn's generator driver as the compiler does: model files
/// are additional files marked as SparseModel items, the project folder is a build property, and step
/// tracking is on. Model files are real files in a temporary project folder.
/// </summary>
internal sealed class GeneratorHarness : IDisposable
{
    private readonly List<AdditionalText> _modelFiles = new();
    private readonly List<(string Path, string Source)> _sources = new();

    public GeneratorHarness() => Directory.CreateDirectory(ProjectDirectory);

    /// <summary>Further <c>build_property.*</c> values the compiler is given (CompilerVisibleProperty items).</summary>
    public Dictionary<string, string> BuildProperties { get; } = new();

    public string ProjectDirectory { get; } = Path.Combine(Path.GetTempPath(), "sparsegen-driver-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes a model file under the project folder and hands it to the compiler as a SparseModel item.</summary>
    public string AddModel(string relativePath, byte[] bytes, bool listInProject = true)
    {
        var path = Path.Combine(ProjectDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        if (listInProject)
        {
            _modelFiles.Add(new BinaryAdditionalText(path));
        }

        return path;
    }

    /// <summary>Rewrites a listed model file and gives the driver a new additional text for it, as a build after an edit does.</summary>
    public GeneratorDriver ReplaceModel(GeneratorDriver driver, string relativePath, byte[] bytes)
    {
        var path = Path.Combine(ProjectDirectory, relativePath);
        File.WriteAllBytes(path, bytes);
        var old = _modelFiles.Single(f => f.Path == path);
        var replacement = new BinaryAdditionalText(path);
        _modelFiles[_modelFiles.IndexOf(old)] = replacement;
        return driver.ReplaceAdditionalText(old, replacement);
    }

    /// <summary>Lists a model file the compiler is given although nothing is on disk.</summary>
    public void ListMissingModel(string relativePath) => _modelFiles.Add(new BinaryAdditionalText(Path.Combine(ProjectDirectory, relativePath)));

    public void AddSource(string source, string path = "Model.cs") => _sources.Add((Path.Combine(ProjectDirectory, path), source));

    public CSharpCompilation CreateCompilation() => CSharpCompilation.Create(
        "Consumer",
        _sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, new CSharpParseOptions(LanguageVersion.CSharp10), s.Path)),
        GeneratedModelCompiler.References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        new[] { new SparseModelGenerator().AsSourceGenerator() },
        _modelFiles,
        new CSharpParseOptions(LanguageVersion.CSharp10),
        new Options(ProjectDirectory, _modelFiles.Select(f => f.Path), BuildProperties),
        new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns the driver (for a second run), its result and the compilation with generated code.</summary>
    public (GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Output) Run(CSharpCompilation? compilation = null, GeneratorDriver? driver = null)
    {
        compilation ??= CreateCompilation();
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver, driver.GetRunResult(), output);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(ProjectDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A model file as the compiler sees it; reading it as text is exactly what the generator must never do.</summary>
    private sealed class BinaryAdditionalText : AdditionalText
    {
        public BinaryAdditionalText(string path) => Path = path;

        public override string Path { get; }

        [DoesNotReturn]
        public override SourceText GetText(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the generator read a binary model through AdditionalText.GetText()");
    }

    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        private readonly HashSet<string> _models;

        public Options(string projectDirectory, IEnumerable<string> models, IReadOnlyDictionary<string, string> properties)
        {
            var global = new Dictionary<string, string> { ["build_property.MSBuildProjectDirectory"] = projectDirectory };
            foreach (var (name, value) in properties)
            {
                global["build_property." + name] = value;
            }

            GlobalOptions = new Values(global);
            _models = new HashSet<string>(models, StringComparer.Ordinal);
        }

        public override AnalyzerConfigOptions GlobalOptions { get; }

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            _models.Contains(textFile.Path)
                ? new Values(new Dictionary<string, string> { ["build_metadata.AdditionalFiles.SourceItemType"] = "SparseModel" })
                : Values.Empty;
    }

    private sealed class Values : AnalyzerConfigOptions
    {
        public static readonly Values Empty = new(new Dictionary<string, string>());

        private readonly ImmutableDictionary<string, string> _values;

        public Values(Dictionary<string, string> values) => _values = values.ToImmutableDictionary();

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
    }
}
