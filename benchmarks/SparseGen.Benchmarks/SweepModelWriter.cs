using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SparseGen.Model.Onnx;

namespace SparseGen.Benchmarks;

/// <summary>
/// <c>make-sweep</c>: writes the dense CNN magnitude-pruned per layer (the same fraction of every Conv and
/// Gemm/MatMul weight set to zero, smallest |w| first, ties by position; biases kept) at each sweep level but 0 %, which is the dense file itself.
/// Deterministic: the same dense file always gives the same bytes.
/// </summary>
internal static class SweepModelWriter
{
    private static readonly HashSet<string> WeightedOps = new(StringComparer.Ordinal) { "Conv", "Gemm", "MatMul" };

    public static int Run()
    {
        var dense = ModelCatalog.ProjectPath(DenseCnn.File);
        foreach (var sparsity in ModelCatalog.SweepLevels.Where(s => s > 0))
        {
            var path = ModelCatalog.ProjectPath(ModelCatalog.SweepFile(sparsity));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var model = OnnxReader.ReadFile(dense);
            var (zeros, weights) = Prune(model, sparsity / 100.0);
            model.MetadataProps.Add(new OnnxStringEntry("sparsegen.sweep", string.Create(CultureInfo.InvariantCulture, $"per-layer magnitude pruning, {sparsity} % of each weight tensor zero")));
            OnnxWriter.WriteFile(model, path);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(Environment.CurrentDirectory, path)}: {zeros:N0} of {weights:N0} weights zero ({100.0 * zeros / weights:F1} %)"));
        }

        return 0;
    }

    /// <summary>Sets the smallest <paramref name="fraction"/> of each weight tensor to zero; returns the zeros and weights in all.</summary>
    public static (long Zeros, long Weights) Prune(OnnxModelProto model, double fraction)
    {
        var graph = model.Graph ?? throw new InvalidDataException("the model has no graph");
        var weightNames = graph.Nodes.Where(n => WeightedOps.Contains(n.OpType) && n.Inputs.Count > 1).Select(n => n.Inputs[1]).ToHashSet(StringComparer.Ordinal);
        long zeros = 0, weights = 0;
        for (var i = 0; i < graph.Initializers.Count; i++)
        {
            var initializer = graph.Initializers[i];
            if (!weightNames.Contains(initializer.Name))
            {
                continue;
            }

            var data = OnnxTensors.ToFloats(initializer);
            var shape = OnnxTensors.Shape(initializer);
            var count = (int)Math.Round(fraction * data.Length, MidpointRounding.AwayFromZero);
            foreach (var index in Enumerable.Range(0, data.Length).OrderBy(j => Math.Abs(data[j])).ThenBy(j => j).Take(count))
            {
                data[index] = 0f;
            }

            graph.Initializers[i] = OnnxTensors.FromFloats(initializer.Name, shape, data);
            zeros += data.Count(v => v == 0f);
            weights += data.Length;
        }

        return (zeros, weights);
    }
}
