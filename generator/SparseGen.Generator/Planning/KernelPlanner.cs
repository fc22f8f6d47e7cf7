using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// Chooses how each Conv and Dense layer is computed, by the estimated time of each strategy
/// (<see cref="CostModel"/>, calibrated by measurements in docs/performance.md "Cost model") within
/// the code budgets: unrolled layers (scalar or SIMD) count against
/// <see cref="PlannerOptions.MaxUnrolledNonZerosPerModel"/>, taken in graph order.
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
            LayerStrategy strategy;
            long nonZeros;
            switch (op)
            {
                case ConvOperation conv:
                    nonZeros = conv.Weight.NonZeroCount;
                    strategy = options.ForcedConvStrategy is { } forcedConv && forcedConv is not (LayerStrategy.DenseSimd or LayerStrategy.SparseRows)
                        ? forcedConv
                        : CostModel.ChooseConv(conv, graph.ShapeOf(conv.Output), options, CanUnroll(nonZeros));
                    break;
                case DenseOperation dense:
                    nonZeros = dense.Weight.NonZeroCount;
                    strategy = options.ForcedDenseStrategy is { } forcedDense && forcedDense is not (LayerStrategy.SimdTable or LayerStrategy.SimdUnrolled)
                        ? forcedDense
                        : CostModel.ChooseDense(dense, options, CanUnroll(nonZeros));
                    break;
                default:
                    continue;
            }

            strategies[op] = strategy;
            if (strategy is LayerStrategy.Unrolled or LayerStrategy.SimdUnrolled)
            {
                unrolledTotal += nonZeros;
            }
        }

        return new KernelPlan(strategies, BufferPlanner.Plan(graph), options);

        bool CanUnroll(long nonZeros) => nonZeros <= options.MaxUnrolledNonZerosPerLayer && unrolledTotal + nonZeros <= options.MaxUnrolledNonZerosPerModel;
    }

    private sealed class ReferenceComparer : IEqualityComparer<Operation>
    {
        public static ReferenceComparer Instance { get; } = new();

        public bool Equals(Operation? x, Operation? y) => ReferenceEquals(x, y);

        public int GetHashCode(Operation obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
