using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Evaluation;

/// <summary>Multiply-adds per sample a graph costs the reference evaluator: conv, dense and pooling windows.</summary>
internal static class MacEstimate
{
    public static long PerSample(ModelGraph graph)
    {
        long total = 0;
        foreach (var op in graph.Operations)
        {
            total += PerSample(op, graph.Shapes);
        }

        return total;
    }

    private static long PerSample(Operation op, IReadOnlyDictionary<string, int[]> shapes)
    {
        var outputs = (long)ShapeInference.ElementCount(shapes[op.Output]);
        return op switch
        {
            ConvOperation conv => outputs * conv.InputChannelsPerGroup * conv.KernelHeight * conv.KernelWidth,
            DenseOperation dense => outputs * dense.InputFeatures,
            PoolOperation pool => outputs * pool.Kernel[0] * pool.Kernel[1],
            GlobalAveragePoolOperation global => ShapeInference.ElementCount(shapes[global.Input]),
            _ => 0,
        };
    }
}
