using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// Chooses the GPU strategy of each Conv and Dense and which pools to fuse. The cost model mirrors the
/// CPU's: literal weights save a table load and its index arithmetic per multiply-add (and ILGPU turns them
/// into immediates), but every nonzero is code that Roslyn, ILGPU and the driver compile, so a layer is
/// unrolled only while it is small (per layer and per model budgets, taken in graph order) and no output
/// channel alone outgrows a kernel; everything else walks device tables, where the weights of a thread's
/// output channel are the same across the warp (a broadcast load) and so is the loop.
/// A pool is fused into the conv before it when its windows do not overlap and stay inside the conv's
/// output, and nothing else reads the conv's output: each thread then computes the conv at the few
/// positions of one window and writes only the pooled value, saving a launch and a round trip of the
/// largest activation through memory.
/// </summary>
internal static class GpuPlanner
{
    public static GpuPlan Plan(ModelGraph graph, GpuOptions options)
    {
        var strategies = new Dictionary<Operation, GpuStrategy>(ReferenceComparer.Instance);
        var fused = new Dictionary<Operation, PoolOperation>(ReferenceComparer.Instance);
        long unrolledTotal = 0;
        foreach (var op in graph.Operations)
        {
            var (weight, longestRow) = op switch
            {
                ConvOperation conv => (conv.Weight, LongestRow(conv.Weight)),
                DenseOperation dense => (dense.Weight, LongestRow(dense.Weight)),
                _ => (null, 0),
            };
            if (weight is null)
            {
                continue;
            }

            long nonZeros = weight.NonZeroCount;
            var fits = nonZeros <= options.MaxUnrolledNonZerosPerLayer
                && unrolledTotal + nonZeros <= options.MaxUnrolledNonZerosPerModel
                && longestRow * 2 <= options.MaxStatementsPerKernel;
            strategies[op] = fits ? GpuStrategy.Unrolled : GpuStrategy.Table;
            if (fits)
            {
                unrolledTotal += nonZeros;
            }

            if (options.FusePools && op is ConvOperation convolution && FusablePool(graph, convolution) is { } pool)
            {
                fused[op] = pool;
            }
        }

        return new GpuPlan(graph, strategies, fused, BufferPlanner.Plan(graph), options);
    }

    /// <summary>The most nonzeros of one output channel (one row of the flattened weight).</summary>
    private static int LongestRow(Tensor weight)
    {
        var rowLength = weight.ElementCount / weight.Shape[0];
        var longest = 0;
        for (var row = 0; row < weight.Shape[0]; row++)
        {
            var count = 0;
            for (var k = row * rowLength; k < (row + 1) * rowLength; k++)
            {
                if (weight.Data[k] != 0f)
                {
                    count++;
                }
            }

            longest = System.Math.Max(longest, count);
        }

        return longest;
    }

    private static PoolOperation? FusablePool(ModelGraph graph, ConvOperation conv)
    {
        if (conv.Output == graph.OutputName)
        {
            return null;
        }

        var consumers = graph.ConsumersOf(conv.Output).ToList();
        if (consumers.Count != 1 || consumers[0] is not PoolOperation pool)
        {
            return null;
        }

        var convShape = graph.ShapeOf(conv.Output);
        var poolShape = graph.ShapeOf(pool.Output);
        var simple = pool.Pads.All(p => p == 0)
            && pool.Dilations.All(d => d == 1)
            && pool.Strides[0] >= pool.Kernel[0] && pool.Strides[1] >= pool.Kernel[1]
            && ((poolShape[1] - 1) * pool.Strides[0]) + pool.Kernel[0] <= convShape[1]
            && ((poolShape[2] - 1) * pool.Strides[1]) + pool.Kernel[1] <= convShape[2];
        return simple ? pool : null;
    }
}
