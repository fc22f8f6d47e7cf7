using System;
using System.Linq;
using SparseGen.Pruning.Masks;
using static TorchSharp.torch;

namespace SparseGen.Pruning;

#pragma warning disable CS8981, IDE1006 // names follow torch.nn.utils.prune, as TorchSharp's own API (torch, nn) follows PyTorch

/// <summary>
/// Pruning for TorchSharp with the semantics of PyTorch's <c>torch.nn.utils.prune</c>: each method computes
/// a mask for one parameter of a module, zeroes the pruned entries and remembers the mask, so that
/// <see cref="step"/> (or <see cref="apply_masks"/> after any optimiser step) keeps them zero while the
/// model fine-tunes. Pruning the same parameter again composes: the new method chooses only among the
/// entries still alive, and a fractional amount is a fraction of those. <see cref="remove"/> makes a
/// pruning permanent by forgetting its mask; the zeros stay.
/// </summary>
/// <remarks>
/// An amount given as a <see cref="double"/> is a fraction from 0 to 1, rounded as PyTorch rounds it; an
/// <see cref="int"/> or <see cref="long"/> is a number of units (weights, or slices for structured pruning).
/// </remarks>
public static partial class prune
{
    /// <summary>Prunes a fraction of the live entries of <paramref name="name"/> chosen at random.</summary>
    /// <param name="generator">The random source; null uses TorchSharp's global one (seeded by <c>torch.manual_seed</c>).</param>
    public static void random_unstructured(nn.Module module, string name, double amount, Generator? generator = null) =>
        RandomUnstructured(module, name, Amount.Fraction(amount), generator);

    /// <summary>Prunes a number of the live entries of <paramref name="name"/> chosen at random.</summary>
    public static void random_unstructured(nn.Module module, string name, long amount, Generator? generator = null) =>
        RandomUnstructured(module, name, Amount.Count(amount), generator);

    /// <summary>Prunes the fraction of live entries of <paramref name="name"/> with the smallest magnitude.</summary>
    /// <param name="importance_scores">Scores of the parameter's shape to rank by instead of |w|.</param>
    public static void l1_unstructured(nn.Module module, string name, double amount, Tensor? importance_scores = null) =>
        L1Unstructured(module, name, Amount.Fraction(amount), importance_scores);

    /// <summary>Prunes the given number of live entries of <paramref name="name"/> with the smallest magnitude.</summary>
    public static void l1_unstructured(nn.Module module, string name, long amount, Tensor? importance_scores = null) =>
        L1Unstructured(module, name, Amount.Count(amount), importance_scores);

    /// <summary>Prunes every entry of <paramref name="name"/> whose magnitude is at most <paramref name="threshold_value"/>.</summary>
    public static void threshold(nn.Module module, string name, double threshold_value)
    {
        if (double.IsNaN(threshold_value) || threshold_value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold_value), threshold_value, "a magnitude threshold must be 0 or more");
        }

        using var scope = NewDisposeScope();
        var weight = PruningMasks.Parameter(module, name);
        var keep = weight.detach().abs().gt(threshold_value).to(weight.dtype);
        Combine(module, name, keep);
    }

    /// <summary>Prunes where <paramref name="mask"/> is 0 (a tensor of the parameter's shape, 0 and 1).</summary>
    public static void custom_from_mask(nn.Module module, string name, Tensor mask)
    {
        var weight = PruningMasks.Parameter(module, name);
        if (!mask.shape.AsSpan().SequenceEqual(weight.shape))
        {
            throw new ArgumentException(
                $"the mask's shape [{string.Join(", ", mask.shape)}] differs from {name}'s [{string.Join(", ", weight.shape)}]", nameof(mask));
        }

        using var scope = NewDisposeScope();
        Combine(module, name, mask.ne(0).to(weight.dtype));
    }

    /// <summary>Makes the pruning of <paramref name="name"/> permanent: the mask is forgotten, its zeros stay.</summary>
    /// <exception cref="ArgumentException">The parameter was not pruned.</exception>
    public static void remove(nn.Module module, string name)
    {
        var mask = PruningMasks.Find(module, name)
            ?? throw new ArgumentException($"{module.GetType().Name}.{name} is not pruned: there is no mask to remove", nameof(name));
        using (no_grad())
        {
            PruningMasks.Parameter(module, name).mul_(mask);
        }

        PruningMasks.Remove(module, name);
    }

    /// <summary>Whether any parameter of <paramref name="module"/> or of its descendants has a mask.</summary>
    public static bool is_pruned(nn.Module module) => SelfAndDescendants(module).Any(m => PruningMasks.Of(m).Count > 0);

    /// <summary>The mask of <paramref name="name"/> (1 alive, 0 pruned), or null when it is not pruned.</summary>
    public static Tensor? mask_of(nn.Module module, string name) => PruningMasks.Find(module, name);

    /// <summary>
    /// Zeroes every pruned weight of <paramref name="model"/> and its descendants again. Call it after any
    /// optimiser step that <see cref="step"/> does not wrap: momentum and weight decay move pruned weights.
    /// </summary>
    public static void apply_masks(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var module in SelfAndDescendants(model))
        {
            foreach (var (name, mask) in PruningMasks.Of(module))
            {
                PruningMasks.Parameter(module, name).mul_(mask);
            }
        }
    }

    /// <summary>
    /// One optimiser step that cannot regrow a pruned weight: the gradients of pruned entries are zeroed
    /// first (so Adam's moments stay zero there and weight decay has nothing to decay), then the step,
    /// then the masks again. With plain <c>optimizer.step()</c>, Adam's momentum brings pruned weights back.
    /// </summary>
    public static void step(optim.Optimizer optimizer, nn.Module model)
    {
        using (no_grad())
        {
            foreach (var module in SelfAndDescendants(model))
            {
                foreach (var (name, mask) in PruningMasks.Of(module))
                {
                    var grad = PruningMasks.Parameter(module, name).grad;
                    grad?.mul_(mask);
                }
            }
        }

        optimizer.step();
        apply_masks(model);
    }

    private static void RandomUnstructured(nn.Module module, string name, Amount amount, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var weight = PruningMasks.Parameter(module, name);
        var scores = rand(weight.shape, dtype: ScalarType.Float32, generator: generator);
        PruneSmallest(module, name, scores, amount);
    }

    private static void L1Unstructured(nn.Module module, string name, Amount amount, Tensor? importanceScores)
    {
        using var scope = NewDisposeScope();
        var weight = PruningMasks.Parameter(module, name);
        if (importanceScores is not null && !importanceScores.shape.AsSpan().SequenceEqual(weight.shape))
        {
            throw new ArgumentException(
                $"importance_scores has shape [{string.Join(", ", importanceScores.shape)}], {name} has [{string.Join(", ", weight.shape)}]",
                nameof(importanceScores));
        }

        PruneSmallest(module, name, (importanceScores ?? weight).detach().abs(), amount);
    }

    /// <summary>Prunes the <paramref name="amount"/> live entries with the smallest scores.</summary>
    private static void PruneSmallest(nn.Module module, string name, Tensor scores, Amount amount)
    {
        var weight = PruningMasks.Parameter(module, name);
        var alive = AliveMask(module, name, weight).flatten();
        var candidates = alive.nonzero().flatten();
        var toPrune = amount.Of(candidates.shape[0]);
        var keep = ones_like(alive);
        if (toPrune > 0)
        {
            var candidateScores = scores.flatten().to(ScalarType.Float32).index_select(0, candidates);
            var smallest = candidateScores.topk((int)toPrune, largest: false).indexes;
            keep.index_fill_(0, candidates.index_select(0, smallest), 0);
        }

        Combine(module, name, keep.reshape(weight.shape));
    }

    /// <summary>1 where the parameter is not pruned yet (all ones when it has no mask).</summary>
    internal static Tensor AliveMask(nn.Module module, string name, Tensor weight) =>
        PruningMasks.Find(module, name)?.clone() ?? ones_like(weight);

    /// <summary>Multiplies the existing mask (if any) by <paramref name="keep"/> and stores the result.</summary>
    internal static void Combine(nn.Module module, string name, Tensor keep)
    {
        var existing = PruningMasks.Find(module, name);
        PruningMasks.Set(module, name, existing is null ? keep : existing.mul(keep));
    }

    internal static System.Collections.Generic.IEnumerable<nn.Module> SelfAndDescendants(nn.Module model)
    {
        yield return model;
        foreach (var (_, child) in model.named_modules())
        {
            if (!ReferenceEquals(child, model))
            {
                yield return child;
            }
        }
    }
}
