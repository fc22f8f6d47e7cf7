using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// Chooses how each Conv and Dense layer is computed. The cost model (KERNELS.md, measured): unrolled
/// constants cost about 0.5 ns per nonzero while the code fits in cache and 1.6–1.9 ns once it does
/// not; a sparse table costs about 1.4 ns per nonzero whatever its size, and adds nothing to the build.
/// So a layer is unrolled while it has at most <see cref="PlannerOptions.MaxUnrolledNonZerosPerLayer"/>
/// nonzeros and the model's unrolled total stays within <see cref="PlannerOptions.MaxUnrolledNonZerosPerModel"/>,
/// taking layers in graph order (early layers are convolutions, whose weights run at every pixel);
/// every other layer gets a sparse table.
/// </summary>
internal static class KernelPlanner
{
    public static KernelPlan Plan(ModelGraph graph, PlannerOptions options)
    {
        // Reference equality: two ops of one graph may be equal as records.
        var strategies = new Dictionary<Operation, LayerStrategy>(ReferenceComparer.Instance);
        long unrolledTotal = 0;
        foreach (var op in graph.Operations)
        {
            var weight = op switch
            {
                ConvOperation conv => conv.Weight,
                DenseOperation dense => dense.Weight,
                _ => null,
            };
            if (weight is null)
            {
                continue;
            }

            long nonZeros = weight.NonZeroCount;
            if (nonZeros <= options.MaxUnrolledNonZerosPerLayer && unrolledTotal + nonZeros <= options.MaxUnrolledNonZerosPerModel)
            {
                strategies[op] = LayerStrategy.Unrolled;
                unrolledTotal += nonZeros;
            }
            else
            {
                strategies[op] = LayerStrategy.SparseTable;
            }
        }

        return new KernelPlan(strategies, BufferPlanner.Plan(graph), options);
    }

    private sealed class ReferenceComparer : IEqualityComparer<Operation>
    {
        public static ReferenceComparer Instance { get; } = new();

        public bool Equals(Operation? x, Operation? y) => ReferenceEquals(x, y);

        public int GetHashCode(Operation obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
