using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Pruning.Masks;
using SparseGen.Pruning.Structured;
using static TorchSharp.torch;

namespace SparseGen.Pruning;

#pragma warning disable CS8981, IDE1006

public static partial class prune
{
    /// <summary>
    /// Global magnitude pruning: the fraction <paramref name="amount"/> of the live entries of all the given
    /// parameters together, those with the smallest |w| (or <paramref name="importance_scores"/>, one per
    /// parameter), wherever they are. Layers with small weights lose more.
    /// </summary>
    public static void global_unstructured(IEnumerable<(nn.Module module, string name)> parameters, double amount, IReadOnlyList<Tensor>? importance_scores = null) =>
        GlobalUnstructured(parameters.ToList(), Amount.Fraction(amount), importance_scores);

    /// <summary>Global magnitude pruning of the given number of live entries across all the parameters.</summary>
    public static void global_unstructured(IEnumerable<(nn.Module module, string name)> parameters, long amount, IReadOnlyList<Tensor>? importance_scores = null) =>
        GlobalUnstructured(parameters.ToList(), Amount.Count(amount), importance_scores);

    /// <summary>The weights of every Conv2d and Linear in <paramref name="model"/>, for <see cref="global_unstructured(IEnumerable{ValueTuple{nn.Module, string}}, double, IReadOnlyList{Tensor}?)"/>.</summary>
    public static IReadOnlyList<(nn.Module module, string name)> weights_of(nn.Module model) =>
        SelfAndDescendants(model)
            .Where(m => m is TorchSharp.Modules.Conv2d or TorchSharp.Modules.Linear)
            .Select(m => (m, "weight"))
            .ToList();

    /// <summary>
    /// MAC-aware global pruning: removes the fraction <paramref name="amount"/> of the multiply-accumulates
    /// that the live Conv2d and Linear weights of <paramref name="model"/> still perform per sample.
    /// </summary>
    /// <remarks>
    /// Parameter sparsity is not compute sparsity: a CNN keeps most parameters in its fully connected layers
    /// and spends most MACs in its convolutions, and convolution weights are fewer and larger, so a plain
    /// global ranking by |w| leaves them nearly dense (90 % of the parameters removed this way left 32 % of
    /// the MACs in a PyTorch run). Here the budget is counted in MACs (a convolution weight costs H·W of its
    /// output per sample, a Linear weight 1) and weights are ranked by |w| relative to the root mean square
    /// of their layer's live weights, so each layer is judged against its own scale; the smallest go first
    /// until the budget is met.
    /// </remarks>
    /// <param name="input_shape">One sample's shape, e.g. [1, 28, 28], to find each convolution's output size.</param>
    public static void global_mac_aware(nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model, double amount, long[] input_shape)
    {
        using var scope = NewDisposeScope();
        var layers = MacCounter.Layers(model, input_shape);
        var pruned = MacAwareRanking(layers, Amount.Fraction(amount));
        if (pruned is null)
        {
            return;
        }

        long offset = 0;
        foreach (var layer in layers)
        {
            var size = layer.Weight.numel();
            var keep = pruned.slice(0, offset, offset + size, 1).logical_not().to(layer.Weight.dtype).reshape(layer.Weight.shape);
            Combine(layer.Module, "weight", keep);
            offset += size;
        }
    }

    /// <summary>
    /// The MAC-aware allocation without pruning anything: for each Conv2d and Linear of <paramref name="model"/>, the
    /// fraction of its weights that are zero after <see cref="global_mac_aware"/> with these arguments would have run
    /// (those pruned already included). For pruning at a coarser grain (<see cref="block_structured"/>) in the
    /// proportions the MAC-aware ranking gives each layer.
    /// </summary>
    public static IReadOnlyList<(nn.Module module, double sparsity)> mac_aware_sparsities(nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model, double amount, long[] input_shape)
    {
        using var scope = NewDisposeScope();
        var layers = MacCounter.Layers(model, input_shape);
        var pruned = MacAwareRanking(layers, Amount.Fraction(amount));
        var sparsities = new List<(nn.Module, double)>();
        long offset = 0;
        foreach (var layer in layers)
        {
            var size = layer.Weight.numel();
            var dead = AliveMask(layer.Module, "weight", layer.Weight).flatten().logical_not();
            var zero = pruned is null ? dead : dead.logical_or(pruned.slice(0, offset, offset + size, 1));
            sparsities.Add((layer.Module, zero.sum().item<long>() / (double)size));
            offset += size;
        }

        return sparsities;
    }

    /// <summary>The live weights (all layers' weights flattened end to end) that MAC-aware pruning takes; null when none.</summary>
    private static Tensor? MacAwareRanking(IReadOnlyList<WeightedLayer> layers, Amount fraction)
    {
        var scores = new List<Tensor>();
        var costs = new List<Tensor>();
        var alive = new List<Tensor>();
        foreach (var layer in layers)
        {
            var weight = layer.Weight;
            var live = AliveMask(layer.Module, "weight", weight).flatten();
            var values = weight.detach().flatten().mul(live);
            var liveCount = Math.Max(1.0, live.sum().item<float>());
            var rms = Math.Sqrt(values.square().sum().item<float>() / liveCount);
            scores.Add(values.abs().div(rms > 0 ? rms : 1.0));
            costs.Add(full_like(values, layer.MacsPerWeight, dtype: ScalarType.Float64));
            alive.Add(live);
        }

        var allAlive = cat(alive).to(ScalarType.Bool);
        var candidates = allAlive.nonzero().flatten();
        var candidateCosts = cat(costs).index_select(0, candidates);
        var liveMacs = candidateCosts.sum().item<double>();
        var budget = fraction.Of((long)Math.Round(liveMacs));
        if (budget == 0)
        {
            return null;
        }

        var order = cat(scores).index_select(0, candidates).argsort();
        var spent = candidateCosts.index_select(0, order).cumsum(0);
        var count = spent.lt((double)budget).sum().item<long>() + 1; // the weight that reaches the budget goes too
        count = Math.Min(count, order.shape[0]);
        var pruned = zeros(allAlive.shape[0], dtype: ScalarType.Bool);
        pruned.index_fill_(0, candidates.index_select(0, order.slice(0, 0, count, 1)), true);
        return pruned;
    }

    private static void GlobalUnstructured(List<(nn.Module module, string name)> parameters, Amount amount, IReadOnlyList<Tensor>? importanceScores)
    {
        if (importanceScores is not null && importanceScores.Count != parameters.Count)
        {
            throw new ArgumentException($"{importanceScores.Count} importance scores for {parameters.Count} parameters", nameof(importanceScores));
        }

        using var scope = NewDisposeScope();
        var weights = parameters.Select(p => PruningMasks.Parameter(p.module, p.name)).ToList();
        var scores = cat(weights.Select((w, i) => (importanceScores?[i] ?? w).detach().abs().flatten().to(ScalarType.Float32)).ToArray());
        var alive = cat(parameters.Select((p, i) => AliveMask(p.module, p.name, weights[i]).flatten()).ToArray());
        var candidates = alive.nonzero().flatten();
        var toPrune = amount.Of(candidates.shape[0]);
        var keep = ones_like(alive);
        if (toPrune > 0)
        {
            var smallest = scores.index_select(0, candidates).topk((int)toPrune, largest: false).indexes;
            keep.index_fill_(0, candidates.index_select(0, smallest), 0);
        }

        long offset = 0;
        for (var i = 0; i < parameters.Count; i++)
        {
            var size = weights[i].numel();
            Combine(parameters[i].module, parameters[i].name, keep.slice(0, offset, offset + size, 1).reshape(weights[i].shape));
            offset += size;
        }
    }
}
