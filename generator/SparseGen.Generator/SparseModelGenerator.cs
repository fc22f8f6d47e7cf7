using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using SparseGen.Generator.Model;

namespace SparseGen.Generator;

/// <summary>Compiles each <c>[SparseModel("model.onnx")]</c> partial class into specialised inference code.</summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class SparseModelGenerator : IIncrementalGenerator
{
    private const string AttributeName = "SparseGen.SparseModelAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Every type declaration, so that a record or struct gets a diagnostic rather than silence; one request per class.
        var requests = context.SyntaxProvider
            .ForAttributeWithMetadataName(AttributeName, static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax, Parse)
            .Where(static request => request.Kind != RequestKind.Duplicate)
            .WithTrackingName(TrackingNames.Requests);

        var projectDirectory = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.MSBuildProjectDirectory", out var directory) && directory.Length > 0 ? directory : null)
            .WithTrackingName(TrackingNames.ProjectDirectory);

        // Only the files listed as <SparseModel/> items, each read and fingerprinted by content, then imported and
        // optimised once per content: an edited model is loaded again, the others stay cached.
        var modelFiles = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => pair.Right.GetOptions(pair.Left).TryGetValue("build_metadata.AdditionalFiles.SourceItemType", out var itemType) && itemType == "SparseModel")
            .Select(static (pair, _) => ModelFileLoader.Read(pair.Left.Path))
            .WithTrackingName(TrackingNames.ModelFiles);
        var loadedModels = modelFiles
            .Select(static (content, cancellationToken) => ModelFileLoader.Load(content, cancellationToken))
            .WithTrackingName(TrackingNames.LoadedModels)
            .Collect()
            .Select(static (models, _) => models.OrderBy(m => m.Path, StringComparer.Ordinal).ToImmutableEquatableArray());

        // A class's path is resolved against the files' names only, so editing a model's bytes does not resolve it again.
        var modelPaths = modelFiles
            .Select(static (content, _) => content.Path)
            .Collect()
            .Select(static (paths, _) => paths.OrderBy(p => p, StringComparer.Ordinal).ToImmutableEquatableArray())
            .WithTrackingName(TrackingNames.ModelPaths);

        // The code depends on the class and its own model's content, never on where the attribute sits nor on the other models.
        var classModels = requests
            .Where(static request => request.Kind == RequestKind.Generate)
            .Select(static (request, _) => request.Key)
            .WithTrackingName(TrackingNames.Keys)
            .Combine(modelPaths)
            .Combine(projectDirectory)
            .Select(static (input, _) => (Key: input.Left.Left, Path: ResolveModelPath(input.Left.Left.ModelPath, input.Right, input.Left.Right), Given: Given(input.Left.Right)))
            .Combine(loadedModels)
            .Select(static (input, _) => new ClassModel(input.Left.Key, input.Left.Path is { } path ? input.Right.First(m => m.Path == path) : null, input.Left.Given))
            .WithTrackingName(TrackingNames.ClassModels);

        var generated = classModels
            .Select(static (classModel, cancellationToken) => Generate(classModel, cancellationToken))
            .WithTrackingName(TrackingNames.Generated);

        context.RegisterSourceOutput(
            generated.Select(static (result, _) => (result.HintName, result.Source)).WithTrackingName(TrackingNames.Sources),
            static (production, source) =>
            {
                if (source.Source is not null)
                {
                    production.AddSource(source.HintName, source.Source);
                }
            });

        // Diagnostics are their own output: a moved attribute re-reports them without regenerating code.
        var diagnostics = requests.Collect().Combine(generated.Collect());
        context.RegisterSourceOutput(diagnostics, static (production, input) =>
        {
            var (requestList, results) = input;
            foreach (var request in requestList)
            {
                foreach (var problem in request.Problems)
                {
                    production.ReportDiagnostic(problem.ToDiagnostic());
                }

                foreach (var result in results.Where(r => r.Key.Equals(request.Key)))
                {
                    foreach (var diagnostic in result.Diagnostics)
                    {
                        production.ReportDiagnostic(diagnostic.At(request.AttributeLocation).ToDiagnostic());
                    }
                }
            }
        });

        InitializeGpu(context, requests, classModels);
    }

    internal static string HintName(ModelKey key) => key.MetadataName + ".Cpu.g.cs";

    /// <summary>The model file that <paramref name="modelPath"/> names among <paramref name="files"/> (full paths), or null.</summary>
    internal static string? ResolveModelPath(string modelPath, string? projectDirectory, ImmutableEquatableArray<string> files)
    {
        var normalized = modelPath.Replace('\\', '/');
        if (Path.IsPathRooted(normalized) || projectDirectory is not null)
        {
            var full = Normalize(Path.IsPathRooted(normalized) ? normalized : Path.Combine(projectDirectory!, normalized));
            var exact = files.FirstOrDefault(f => Normalize(f) == full)
                ?? files.FirstOrDefault(f => string.Equals(Normalize(f), full, StringComparison.OrdinalIgnoreCase));
            if (exact is not null)
            {
                return exact;
            }
        }

        // Without the project folder, a relative path matches the one model file that ends with it.
        var suffix = "/" + normalized.TrimStart('.', '/');
        var candidates = files.Where(f => Normalize(f).EndsWith(suffix, StringComparison.Ordinal)).ToArray();
        return candidates.Length == 1 ? candidates[0] : null;
    }

    private static string Given(ImmutableEquatableArray<string> files) =>
        files.Count == 0 ? "none" : string.Join(", ", files.Select(f => "'" + f + "'"));

    private static string Normalize(string path)
    {
        try
        {
            return Path.GetFullPath(path).Replace('\\', '/');
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path.Replace('\\', '/');
        }
    }
}
