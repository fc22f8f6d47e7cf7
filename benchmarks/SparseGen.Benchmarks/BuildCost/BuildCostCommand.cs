using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SparseGen.Model.Onnx;

namespace SparseGen.Benchmarks.BuildCost;

/// <summary>
/// <c>build-cost [--only NAME]</c>: for each committed model and a synthetic dense model of one million weights,
/// times the three costs a build pays: the generator (Roslyn's CSharpGeneratorDriver running the SparseGen
/// analyzer the project was built with), the compile of the generated code (CSharpCompilation.Emit, Release),
/// and the first Predict call (the JIT). Printed and written to build-cost.md in the results folder.
/// </summary>
internal static class BuildCostCommand
{
    public static int Run(string[] args)
    {
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        var generator = LoadGenerator();
        var models = Models().Where(m => only is null || m.Name == only).ToList();

        // Warm Roslyn and the generator up on the smallest model, untimed.
        Measure(generator, Models().First(m => m.Name == nameof(MobileNet70)));

        var rows = new List<BuildCostRow>();
        foreach (var model in models)
        {
            var row = Measure(generator, model);
            rows.Add(row);
            Console.WriteLine(row.ToMarkdown());
        }

        var text = Markdown(rows);
        var results = Path.Combine("BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(results);
        var path = Path.Combine(results, "build-cost.md");
        File.WriteAllText(path, text);
        Console.WriteLine();
        Console.WriteLine(text);
        Console.WriteLine($"Written to {Path.GetFullPath(path)}");
        return rows.All(r => r.Error is null) ? 0 : 1;
    }

    private static IEnumerable<(string Name, string Path)> Models()
    {
        foreach (var model in ModelCatalog.All.Where(m => !m.Name.StartsWith("CnnSparsity", StringComparison.Ordinal)))
        {
            yield return (model.Name, model.FullPath);
        }

        // The sweep's files, whether or not this build compiled them.
        foreach (var level in ModelCatalog.SweepLevels.Where(l => l > 0))
        {
            yield return (ModelCatalog.SweepModelName(level), ModelCatalog.ProjectPath(ModelCatalog.SweepFile(level)));
        }

        var synthetic = Path.Combine(Path.GetTempPath(), "sparsegen-build-cost", "synthetic_dense_1m.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(synthetic)!);
        OnnxWriter.WriteFile(SyntheticModel.Create(), synthetic);
        yield return ("Synthetic1M", synthetic);
    }

    private static BuildCostRow Measure(ISourceGenerator generator, (string Name, string Path) model)
    {
        var loaded = Model.ModelLoader.LoadFile(model.Path);
        var statistics = loaded.Graph is null ? null : Model.Analysis.ModelStatistics.Compute(loaded.Graph);
        var source = "namespace BuildCost { [global::SparseGen.SparseModel(\"" + model.Path.Replace("\\", "/", StringComparison.Ordinal) + "\")] internal static partial class " + model.Name + " { } }";
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "BuildCost." + model.Name,
            new[] { CSharpSyntaxTree.ParseText(source, parseOptions, "Model.cs") },
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        var modelFile = new ModelFile(model.Path);
        var driver = CSharpGeneratorDriver.Create(new[] { generator }, new AdditionalText[] { modelFile }, parseOptions, new Options(Path.GetDirectoryName(model.Path)!, model.Path));

        var clock = Stopwatch.StartNew();
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var generate = clock.Elapsed;
        var generated = output.SyntaxTrees.Skip(1).Sum(t => (long)t.Length);
        var generatorErrors = generatorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (generatorErrors.Length > 0 || generated == 0)
        {
            return new BuildCostRow(model.Name, statistics?.Parameters, statistics?.NonZeros, generate, null, null, generated, "generator: " + string.Join("; ", generatorErrors.Select(d => d.GetMessage(CultureInfo.InvariantCulture))));
        }

        using var stream = new MemoryStream();
        clock.Restart();
        var emitted = output.Emit(stream);
        var emit = clock.Elapsed;
        if (!emitted.Success)
        {
            var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3).Select(d => d.ToString());
            return new BuildCostRow(model.Name, statistics?.Parameters, statistics?.NonZeros, generate, emit, null, generated, "compile: " + string.Join("; ", errors));
        }

        var firstCall = FirstPredict(model.Name, stream);
        return new BuildCostRow(model.Name, statistics?.Parameters, statistics?.NonZeros, generate, emit, firstCall, generated, null);
    }

    /// <summary>Loads the assembly and times its first Predict on zeros: mostly the JIT compiling the kernels.</summary>
    private static TimeSpan FirstPredict(string name, MemoryStream assembly)
    {
        assembly.Position = 0;
        var context = new AssemblyLoadContext("BuildCost." + name, isCollectible: true);
        try
        {
            var type = context.LoadFromStream(assembly).GetType("BuildCost." + name, throwOnError: true)!;
            var inputLength = (int)type.GetField("InputLength")!.GetValue(null)!;
            var outputLength = (int)type.GetField("OutputLength")!.GetValue(null)!;
            var predict = type.GetMethod("Predict", new[] { typeof(ReadOnlySpan<float>), typeof(Span<float>) })!.CreateDelegate<PredictFunction>();
            var input = new float[inputLength];
            var output = new float[outputLength];
            var clock = Stopwatch.StartNew();
            predict(input, output);
            return clock.Elapsed;
        }
        finally
        {
            context.Unload();
        }
    }

    private static string Markdown(IReadOnlyList<BuildCostRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| model | parameters | nonzero | generated C# | generator | compile (Emit) | first Predict (JIT) | total |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            text.AppendLine(row.ToMarkdown());
        }

        return text.ToString();
    }

    /// <summary>The SparseGen analyzer this project was compiled with (its path is recorded at build time).</summary>
    private static ISourceGenerator LoadGenerator()
    {
        var path = typeof(BuildCostCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SparseGen.Benchmarks.GeneratorAssembly").Value!;
        var reference = new AnalyzerFileReference(path, new AnalyzerLoader());
        return reference.GetGenerators(LanguageNames.CSharp).Single();
    }

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"));
        return platform.Append(typeof(LayerInfo).Assembly.Location).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray();
    });

    private sealed record BuildCostRow(string Model, long? Parameters, long? NonZeros, TimeSpan Generate, TimeSpan? Emit, TimeSpan? FirstCall, long GeneratedChars, string? Error)
    {
        public string ToMarkdown()
        {
            static string Seconds(TimeSpan? t) => t is null ? "-" : t.Value.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s";
            var total = Generate + (Emit ?? TimeSpan.Zero);
            return string.Create(CultureInfo.InvariantCulture,
                $"| {Model} | {Parameters:N0} | {NonZeros:N0} | {GeneratedChars / 1e6:F1} M chars | {Seconds(Generate)} | {Seconds(Emit)} | {Seconds(FirstCall)} | {Seconds(total)}{(Error is null ? "" : " — " + Error)} |");
        }
    }

    /// <summary>A model file as the compiler sees it: the generator reads it by path, never as text.</summary>
    private sealed class ModelFile : AdditionalText
    {
        public ModelFile(string path) => Path = path;

        public override string Path { get; }

        [DoesNotReturn]
        public override SourceText GetText(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the generator read a binary model as text");
    }

    private sealed class AnalyzerLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }

    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        private readonly string _model;

        public Options(string projectDirectory, string model)
        {
            _model = model;
            GlobalOptions = new Values(ImmutableDictionary<string, string>.Empty.Add("build_property.MSBuildProjectDirectory", projectDirectory));
        }

        public override AnalyzerConfigOptions GlobalOptions { get; }

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            textFile.Path == _model ? new Values(ImmutableDictionary<string, string>.Empty.Add("build_metadata.AdditionalFiles.SourceItemType", "SparseModel")) : Values.Empty;
    }

    private sealed class Values : AnalyzerConfigOptions
    {
        public static readonly Values Empty = new(ImmutableDictionary<string, string>.Empty);

        private readonly ImmutableDictionary<string, string> _values;

        public Values(ImmutableDictionary<string, string> values) => _values = values;

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
    }
}
