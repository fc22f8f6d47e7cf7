using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Model;
using SparseGen.Generator.Planning;
using SparseGen.Model;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;

namespace SparseGen.Generator;

public sealed partial class SparseModelGenerator
{
    /// <summary>Most nonzero weights one class may keep: beyond this the generated code and its build grow out of bounds.</summary>
    internal const long MaxNonZeroWeights = 4_000_000;

    /// <summary>
    /// Model → IR → exact passes → plan → C#. Every failure becomes a diagnostic: the generator never throws. A model that
    /// cannot be compiled still gets its class's public API, with bodies that throw, so that the diagnostic is the only
    /// error the build shows (not one CS0117 for every generated member the app uses).
    /// </summary>
    private static GenerationResult Generate(ModelKey key, ImmutableEquatableArray<ModelContent> files, string? projectDirectory, CancellationToken cancellationToken)
    {
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

        try
        {
            if (string.IsNullOrWhiteSpace(key.ModelPath))
            {
                return Failed(null);
            }

            var path = ResolveModelPath(key.ModelPath, projectDirectory, files);
            if (path is null)
            {
                var given = files.Count == 0 ? "none" : string.Join(", ", files.Select(f => "'" + f.Path + "'"));
                return Failed(DiagnosticInfo.Create(DiagnosticDescriptors.ModelFileNotGiven, null, key.ModelPath, key.ModelPath.Replace('/', Path.DirectorySeparatorChar), given));
            }

            var content = files.First(f => f.Path == path);
            if (content.ReadError is not null)
            {
                return Failed(DiagnosticInfo.Create(DiagnosticDescriptors.ModelFileUnreadable, null, key.ModelPath, content.ReadError));
            }

            cancellationToken.ThrowIfCancellationRequested();
            var loaded = ModelFileLoader.Load(content);
            if (loaded.Graph is not { } imported)
            {
                return Failed(FromModelError(key, loaded.Error!));
            }

            var graph = GraphOptimizer.Optimize(imported);
            var nonZeros = graph.Operations.Sum(op => op switch
            {
                ConvOperation conv => (long)conv.Weight.NonZeroCount,
                DenseOperation dense => dense.Weight.NonZeroCount,
                _ => 0L,
            });
            if (nonZeros > MaxNonZeroWeights)
            {
                return Failed(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ModelTooLarge,
                    null,
                    key.ModelPath,
                    nonZeros.ToString("N0", CultureInfo.InvariantCulture),
                    MaxNonZeroWeights.ToString("N0", CultureInfo.InvariantCulture)));
            }

            cancellationToken.ThrowIfCancellationRequested();
            var plan = KernelPlanner.Plan(graph, PlannerOptions.Default);
            foreach (var op in graph.Operations)
            {
                var strategy = plan.StrategyOf(op);
                var weight = op switch { ConvOperation conv => conv.Weight, DenseOperation dense => dense.Weight, _ => null };
                // Compressed rows are chosen on cost, but over the per-layer budget they were also the only table-free choice left.
                if (weight is not null && (strategy == LayerStrategy.SparseTable || (strategy == LayerStrategy.SparseRows && weight.NonZeroCount > PlannerOptions.Default.MaxUnrolledNonZerosPerLayer)))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.TableFallback,
                        null,
                        op.Name,
                        key.ModelPath,
                        weight.NonZeroCount.ToString("N0", CultureInfo.InvariantCulture)));
                }
            }

            var target = new EmitTarget(key.Namespace, key.ClassName, key.IsStatic, Path.GetFileName(path), content.Hash.Substring(0, 16));
            var source = CpuEmitter.Emit(plan, target);
            return new GenerationResult(key, hintName, source, diagnostics.ToImmutableEquatableArray());
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
