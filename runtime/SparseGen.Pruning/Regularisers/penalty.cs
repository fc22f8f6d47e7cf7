using System.Linq;
using SparseGen.Pruning.Masks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Regularisers;

#pragma warning disable CS8981, IDE1006 // named like TorchSharp's API

/// <summary>
/// Sparsity-inducing penalties to add to the loss (scaled by a strength λ the caller chooses):
/// <c>loss = criterion(output, target) + λ · penalty.l1(model)</c>.
/// </summary>
public static class penalty
{
    /// <summary>The sum of |w| over the weights of every Conv2d and Linear: pushes single weights to zero.</summary>
    public static Tensor l1(nn.Module model)
    {
        var weights = prune.weights_of(model).Select(p => PruningMasks.Parameter(p.module, p.name)).ToList();
        return weights.Count == 0 ? tensor(0f) : stack(weights.Select(w => w.abs().sum()).ToArray()).sum();
    }

    /// <summary>
    /// Group lasso over convolution filters: Σ over every Conv2d filter g of √|g|·‖w_g‖₂. The L2 norm of a
    /// whole filter has a kink only where all of the filter is zero, so the penalty drives entire filters
    /// to zero (which <c>FilterRemoval.remove_zero_filters</c> then takes out), not scattered weights.
    /// </summary>
    public static Tensor group_lasso(nn.Module model)
    {
        var terms = prune.weights_of(model)
            .Select(p => p.module)
            .OfType<Conv2d>()
            .Select(conv =>
            {
                var filters = conv.weight!.flatten(1);
                // A tiny epsilon keeps the gradient of a zero filter finite.
                return filters.square().sum(1).add(1e-12).sqrt().sum().mul(System.Math.Sqrt(filters.shape[1]));
            })
            .ToArray();
        return terms.Length == 0 ? tensor(0f) : stack(terms).sum();
    }
}
