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

        // Only the files listed as <SparseModel/> items; each read once and fingerprinted by content.
        var modelFiles = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => pair.Right.GetOptions(pair.Left).TryGetValue("build_metadata.AdditionalFiles.SourceItemType", out var itemType) && itemType == "SparseModel")
            .Select(static (pair, _) => ModelFileLoader.Read(pair.Left.Path))
            .Collect()
            .Select(static (files, _) => files.OrderBy(f => f.Path, StringComparer.Ordinal).ToImmutableEquatableArray())
            .WithTrackingName(TrackingNames.ModelFiles);

        // The code depends on the class and the model's content, never on where the attribute sits.
        var generated = requests
            .Where(static request => request.Kind == RequestKind.Generate)
            .Select(static (request, _) => request.Key)
            .WithTrackingName(TrackingNames.Keys)
            .Combine(modelFiles)
            .Combine(projectDirectory)
            .Select(static (input, cancellationToken) => Generate(input.Left.Left, input.Left.Right, input.Right, cancellationToken))
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

        InitializeGpu(context, requests, modelFiles, projectDirectory);
    }

    internal static string HintName(ModelKey key) => key.MetadataName + ".Cpu.g.cs";

    internal static string? ResolveModelPath(string modelPath, string? projectDirectory, ImmutableEquatableArray<ModelContent> files)
    {
        var normalized = modelPath.Replace('\\', '/');
        if (Path.IsPathRooted(normalized) || projectDirectory is not null)
        {
            var full = Normalize(Path.IsPathRooted(normalized) ? normalized : Path.Combine(projectDirectory!, normalized));
            var exact = files.FirstOrDefault(f => Normalize(f.Path) == full)
                ?? files.FirstOrDefault(f => string.Equals(Normalize(f.Path), full, StringComparison.OrdinalIgnoreCase));
            if (exact is not null)
            {
                return exact.Path;
            }
        }

        // Without the project folder, a relative path matches the one model file that ends with it.
        var suffix = "/" + normalized.TrimStart('.', '/');
        var candidates = files.Where(f => Normalize(f.Path).EndsWith(suffix, StringComparison.Ordinal)).ToArray();
        return candidates.Length == 1 ? candidates[0].Path : null;
    }

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
