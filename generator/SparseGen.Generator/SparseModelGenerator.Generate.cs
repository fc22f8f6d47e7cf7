using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Cpu;
using SparseGen.Generator.Model;
using SparseGen.Generator.Planning;
using SparseGen.Model;
using SparseGen.Model.Graph;

namespace SparseGen.Generator;

public sealed partial class SparseModelGenerator
{
    /// <summary>Most nonzero weights one class may keep: beyond this the generated code and its build grow out of bounds.</summary>
    internal const long MaxNonZeroWeights = 4_000_000;

    /// <summary>
    /// Loaded model → plan → C#. Every failure becomes a diagnostic: the generator never throws. A model that cannot be
    /// compiled still gets its class's public API, with bodies that throw, so that the diagnostic is the only error the
    /// build shows (not one CS0117 for every generated member the app uses).
    /// </summary>
    private static GenerationResult Generate(ClassModel classModel, CancellationToken cancellationToken)
    {
        var key = classModel.Key;
        var hintName = HintName(key);
        var diagnostics = new List<DiagnosticInfo>();
        GenerationResult Failed(DiagnosticInfo? diagnostic)
        {
            if (diagnostic is not null)
            {
                diagnostics.Add(diagnostic);
            }

            // The parser reports an empty path (SPG005); nothing else is said here.
            var reason = diagnostic is null ? "its [SparseModel] attribute gives no model path (SPG005)" : diagnostic.Descriptor.Id + ": " + diagnostic.Message;
            var target = new EmitTarget(key.Namespace, key.ClassName, key.IsStatic, Path.GetFileName(key.ModelPath), "");
            return new GenerationResult(key, hintName, CpuEmitter.EmitUnavailable(target, reason), diagnostics.ToImmutableEquatableArray());
        }

        if (string.IsNullOrWhiteSpace(key.ModelPath))
        {
            return Failed(null);
        }

        if (ModelProblem(classModel) is { } problem)
        {
            return Failed(problem);
        }

        try
        {
            var model = classModel.Model!;
            var graph = model.Graph!;
            cancellationToken.ThrowIfCancellationRequested();
            var plan = KernelPlanner.Plan(graph, PlannerOptions.Default);
            diagnostics.AddRange(TableFallbacks(key, plan));
            var target = new EmitTarget(key.Namespace, key.ClassName, key.IsStatic, Path.GetFileName(model.Path), model.Content.Hash.Substring(0, 16));
            return new GenerationResult(key, hintName, CpuEmitter.Emit(plan, target), diagnostics.ToImmutableEquatableArray());
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (ModelException e)
        {
            return Failed(FromModelError(key, e.Error));
        }
        catch (Exception e)
        {
            return Failed(DiagnosticInfo.Create(DiagnosticDescriptors.UnexpectedFailure, null, key.ModelPath, e.GetType().Name + ": " + e.Message));
        }
    }

    /// <summary>Why the class's model cannot be compiled at all (not given, unreadable, invalid, too large), or null.</summary>
    private static DiagnosticInfo? ModelProblem(ClassModel classModel)
    {
        var key = classModel.Key;
        return classModel.Model switch
        {
            null => DiagnosticInfo.Create(DiagnosticDescriptors.ModelFileNotGiven, null, key.ModelPath, key.ModelPath.Replace('/', Path.DirectorySeparatorChar), classModel.ModelFilesGiven),
            { ReadError: { } readError } => DiagnosticInfo.Create(DiagnosticDescriptors.ModelFileUnreadable, null, key.ModelPath, readError),
            { Error: { } error } => FromModelError(key, error),
            { Failure: { } failure } => DiagnosticInfo.Create(DiagnosticDescriptors.UnexpectedFailure, null, key.ModelPath, failure),
            { NonZeroWeights: > MaxNonZeroWeights } model => DiagnosticInfo.Create(
                DiagnosticDescriptors.ModelTooLarge,
                null,
                key.ModelPath,
                model.NonZeroWeights.ToString("N0", CultureInfo.InvariantCulture),
                MaxNonZeroWeights.ToString("N0", CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    /// <summary>SPG020 for every layer left to a table kernel because unrolling it would make the build too large.</summary>
    private static IEnumerable<DiagnosticInfo> TableFallbacks(ModelKey key, KernelPlan plan)
    {
        foreach (var op in plan.Model.Operations)
        {
            var strategy = plan.StrategyOf(op);
            var weight = op switch { ConvOperation conv => conv.Weight, DenseOperation dense => dense.Weight, _ => null };
            // Compressed rows are chosen on cost, but over the per-layer budget they were also the only table-free choice left.
            if (weight is not null && (strategy == LayerStrategy.SparseTable || (strategy == LayerStrategy.SparseRows && weight.NonZeroCount > PlannerOptions.Default.MaxUnrolledNonZerosPerLayer)))
            {
                yield return DiagnosticInfo.Create(
                    DiagnosticDescriptors.TableFallback,
                    null,
                    op.Name,
                    key.ModelPath,
                    weight.NonZeroCount.ToString("N0", CultureInfo.InvariantCulture));
            }
        }
    }

    private static DiagnosticInfo FromModelError(ModelKey key, ModelError error)
    {
        var descriptor = error.Code switch
        {
            ModelErrorCode.UnsupportedOp or ModelErrorCode.UnsupportedAttribute or ModelErrorCode.UnsupportedDataType => DiagnosticDescriptors.UnsupportedOp,
            ModelErrorCode.ShapeMismatch => DiagnosticDescriptors.ShapeError,
            _ => DiagnosticDescriptors.MalformedModel,
        };
        return DiagnosticInfo.Create(descriptor, null, key.ModelPath, error.ToString());
    }
}
