using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// The fully connected run of a model that <c>PredictBatch</c> computes with the samples in SIMD lanes: every
/// weight is read once per group of samples instead of once per sample. The layers before it run one sample at a
/// time as in <c>Predict</c>, and so do the layers after it (a Softmax, say), which read only what it produced.
/// </summary>
/// <param name="Operations">The section's ops in graph order: fully connected layers over one row, activations and reshapes.</param>
/// <param name="Input">The value the section reads, produced before it (or the graph input).</param>
/// <param name="Output">The value the section ends with.</param>
internal sealed record BatchSection(IReadOnlyList<Operation> Operations, string Input, string Output)
{
    /// <summary>Samples in one group: the widest lanes (Vector512 of floats); narrower lanes take the group in chunks.</summary>
    public const int MaxGroup = 16;

    /// <summary>
    /// The longest run that starts at a fully connected layer, holds only ops that work on a flat vector, each reading the
    /// one before it, and is followed only by ops that read nothing from before the run; null when there is none.
    /// </summary>
    public static BatchSection? Find(ModelGraph graph)
    {
        var operations = graph.Operations;
        for (var first = 0; first < operations.Count; first++)
        {
            if (operations[first] is not DenseOperation start || !IsOneRow(graph, start))
            {
                continue;
            }

            var last = first;
            while (last + 1 < operations.Count && IsFlatVectorOp(graph, operations[last + 1]))
            {
                last++;
            }

            var section = operations.Skip(first).Take(last - first + 1).ToList();
            var after = operations.Skip(last + 1).ToList();
            var makesOutput = operations[last].Output == graph.OutputName || after.Any(op => op.Output == graph.OutputName);
            if (makesOutput && IsChain(section) && ReadsOnly(after, operations[last].Output))
            {
                return new BatchSection(section, start.Input, operations[last].Output);
            }
        }

        return null;
    }

    private static bool IsOneRow(ModelGraph graph, DenseOperation dense) =>
        ShapeInference.ElementCount(graph.ShapeOf(dense.Output)) == dense.OutputFeatures;

    private static bool IsFlatVectorOp(ModelGraph graph, Operation op) =>
        op switch
        {
            DenseOperation dense => IsOneRow(graph, dense),
            ActivationOperation or ReshapeOperation => true,
            _ => false,
        };

    /// <summary>
    /// Whether each op reads only the value of the op before it: the section then lives in two slots of the group
    /// arena, each layer reading one and writing the other (activations in place).
    /// </summary>
    private static bool IsChain(IReadOnlyList<Operation> section)
    {
        for (var index = 1; index < section.Count; index++)
        {
            if (section[index].Inputs.Count != 1 || section[index].Inputs[0] != section[index - 1].Output)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every op reads only <paramref name="input"/> and values made by the ops before it in the run.</summary>
    private static bool ReadsOnly(IEnumerable<Operation> run, string input)
    {
        var known = new HashSet<string>(System.StringComparer.Ordinal) { input };
        foreach (var op in run)
        {
            if (!op.Inputs.All(known.Contains))
            {
                return false;
            }

            known.Add(op.Output);
        }

        return true;
    }
}
