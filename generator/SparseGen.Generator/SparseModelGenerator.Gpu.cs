using System;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Gpu;
using SparseGen.Generator.Model;
using SparseGen.Model;
using SparseGen.Model.Passes;

namespace SparseGen.Generator;

/// <summary>Whether the consuming project gets GPU code: it references ILGPU and SparseGen.Gpu, and SparseGenEmitGpu is not false.</summary>
internal sealed record GpuSwitch(bool IlgpuReferenced, bool RuntimeReferenced, bool TurnedOff)
{
    public bool Emits => IlgpuReferenced && RuntimeReferenced && !TurnedOff;

    /// <summary>ILGPU without the runtime helpers: worth a warning unless the user turned GPU code off.</summary>
    public bool RuntimeMissing => IlgpuReferenced && !RuntimeReferenced && !TurnedOff;
}

public sealed partial class SparseModelGenerator
{
    internal const string IlgpuAcceleratorType = "ILGPU.Runtime.Accelerator";
    internal const string GpuRuntimeType = "SparseGen.Gpu.GpuModel";

    internal static string GpuHintName(ModelKey key) => key.MetadataName + ".Gpu.g.cs";

    /// <summary>
    /// The GPU output: its own pipeline beside the CPU one, so a CPU-only project (no ILGPU reference, or
    /// SparseGenEmitGpu=false for a NativeAOT app) never parses the model twice nor sees a line of ILGPU code.
    /// </summary>
    private static void InitializeGpu(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<ModelRequest> requests,
        IncrementalValueProvider<ImmutableEquatableArray<ModelContent>> modelFiles,
        IncrementalValueProvider<string?> projectDirectory)
    {
        var turnedOff = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.SparseGenEmitGpu", out var value)
                && string.Equals(value.Trim(), "false", StringComparison.OrdinalIgnoreCase));
        var gpuSwitch = context.CompilationProvider
            .Select(static (compilation, _) => (Ilgpu: compilation.GetTypeByMetadataName(IlgpuAcceleratorType) is not null, Runtime: compilation.GetTypeByMetadataName(GpuRuntimeType) is not null))
            .Combine(turnedOff)
            .Select(static (pair, _) => new GpuSwitch(pair.Left.Ilgpu, pair.Left.Runtime, pair.Right))
            .WithTrackingName(TrackingNames.GpuSwitch);

        var generated = requests
            .Where(static request => request.Kind == RequestKind.Generate)
            .Select(static (request, _) => request.Key)
            .Combine(gpuSwitch)
            .Where(static pair => pair.Right.Emits)
            .Select(static (pair, _) => pair.Left)
            .Combine(modelFiles)
            .Combine(projectDirectory)
            .Select(static (input, cancellationToken) => GenerateGpu(input.Left.Left, input.Left.Right, input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.GeneratedGpu);

        context.RegisterSourceOutput(generated.Select(static (result, _) => (result.HintName, result.Source)), static (production, source) =>
        {
            if (source.Source is not null)
            {
                production.AddSource(source.HintName, source.Source);
            }
        });

        context.RegisterSourceOutput(requests.Collect().Combine(generated.Collect()).Combine(gpuSwitch), static (production, input) =>
        {
            var ((requestList, results), gpu) = input;
            foreach (var request in requestList.Where(r => r.Kind == RequestKind.Generate))
            {
                if (gpu.RuntimeMissing)
                {
                    production.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.GpuRuntimeMissing, request.AttributeLocation, request.Key.ClassName).ToDiagnostic());
                }

                foreach (var diagnostic in results.Where(r => r.Key.Equals(request.Key)).SelectMany(r => r.Diagnostics))
                {
                    production.ReportDiagnostic(diagnostic.At(request.AttributeLocation).ToDiagnostic());
                }
            }
        });
    }

    /// <summary>
    /// Model → IR → exact passes → ILGPU kernels. A model that does not load gets no GPU code and no
    /// diagnostic here: the CPU pipeline reports it already.
    /// </summary>
    private static GenerationResult GenerateGpu(ModelKey key, ImmutableEquatableArray<ModelContent> files, string? projectDirectory, CancellationToken cancellationToken)
    {
        var hintName = GpuHintName(key);
        var none = new GenerationResult(key, hintName, null, ImmutableEquatableArray<DiagnosticInfo>.Empty);
        try
        {
            var path = ResolveModelPath(key.ModelPath, projectDirectory, files);
            var content = path is null ? null : files.First(f => f.Path == path);
            if (content is null || content.ReadError is not null)
            {
                return none;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var loaded = ModelFileLoader.Load(content);
            if (loaded.Graph is not { } imported)
            {
                return none;
            }

            var graph = GraphOptimizer.Optimize(imported);
            if (graph.Operations.Sum(op => op switch
                {
                    SparseGen.Model.Graph.ConvOperation conv => (long)conv.Weight.NonZeroCount,
                    SparseGen.Model.Graph.DenseOperation dense => dense.Weight.NonZeroCount,
                    _ => 0L,
                }) > MaxNonZeroWeights)
            {
                return none;
            }

            if (GpuEmitter.FirstUnsupported(graph) is { } unsupported)
            {
                return none with
                {
                    Diagnostics = new[] { DiagnosticInfo.Create(DiagnosticDescriptors.GpuOpUnsupported, null, key.ModelPath, unsupported.OpType + " '" + unsupported.Name + "'", key.ClassName) }.ToImmutableEquatableArray(),
                };
            }

            cancellationToken.ThrowIfCancellationRequested();
            var target = new EmitTarget(key.Namespace, key.ClassName, key.IsStatic, Path.GetFileName(content.Path), content.Hash.Substring(0, 16));
            return new GenerationResult(key, hintName, GpuEmitter.Emit(graph, target), ImmutableEquatableArray<DiagnosticInfo>.Empty);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (ModelException)
        {
            return none;
        }
        catch (Exception e)
        {
            return none with
            {
                Diagnostics = new[] { DiagnosticInfo.Create(DiagnosticDescriptors.UnexpectedFailure, null, key.ModelPath, "GPU code: " + e.GetType().Name + ": " + e.Message) }.ToImmutableEquatableArray(),
            };
        }
    }
}
