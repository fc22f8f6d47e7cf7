using System;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Gpu;
using SparseGen.Generator.Model;
using SparseGen.Generator.Planning;
using SparseGen.Model;

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
        IncrementalValuesProvider<ClassModel> classModels)
    {
        var turnedOff = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.SparseGenEmitGpu", out var value)
                && string.Equals(value.Trim(), "false", StringComparison.OrdinalIgnoreCase));
        var gpuSwitch = context.CompilationProvider
            .Select(static (compilation, _) => (Ilgpu: compilation.GetTypeByMetadataName(IlgpuAcceleratorType) is not null, Runtime: compilation.GetTypeByMetadataName(GpuRuntimeType) is not null))
            .Combine(turnedOff)
            .Select(static (pair, _) => new GpuSwitch(pair.Left.Ilgpu, pair.Left.Runtime, pair.Right))
            .WithTrackingName(TrackingNames.GpuSwitch);

        var generated = classModels
            .Combine(gpuSwitch)
            .Where(static pair => pair.Right.Emits)
            .Select(static (pair, cancellationToken) => GenerateGpu(pair.Left, cancellationToken))
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
    /// Loaded model → ILGPU kernels. A model that cannot be compiled gets no GPU code and no diagnostic here: the CPU
    /// pipeline reports it already.
    /// </summary>
    private static GenerationResult GenerateGpu(ClassModel classModel, CancellationToken cancellationToken)
    {
        var key = classModel.Key;
        var none = new GenerationResult(key, GpuHintName(key), null, ImmutableEquatableArray<DiagnosticInfo>.Empty);
        if (string.IsNullOrWhiteSpace(key.ModelPath) || ModelProblem(classModel) is not null)
        {
            return none;
        }

        try
        {
            var model = classModel.Model!;
            if (GpuEmitter.FirstUnsupported(model.Graph!) is { } unsupported)
            {
                return none with
                {
                    Diagnostics = new[] { DiagnosticInfo.Create(DiagnosticDescriptors.GpuOpUnsupported, null, key.ModelPath, unsupported.OpType + " '" + unsupported.Name + "'", key.ClassName) }.ToImmutableEquatableArray(),
                };
            }

            cancellationToken.ThrowIfCancellationRequested();
            var target = new EmitTarget(key.Namespace, key.ClassName, key.IsStatic, Path.GetFileName(model.Path), model.Content.Hash.Substring(0, 16));
            return none with { Source = GpuEmitter.Emit(GpuPlanner.Plan(model.Graph!, GpuOptions.Default), target) };
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
