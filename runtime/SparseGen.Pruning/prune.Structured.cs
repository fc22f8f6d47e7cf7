using System;
using SparseGen.Pruning.Masks;
using static TorchSharp.torch;

namespace SparseGen.Pruning;

#pragma warning disable CS8981, IDE1006

public static partial class prune
{
    /// <summary>
    /// Prunes whole slices of <paramref name="name"/> along <paramref name="dim"/> (0: a Conv2d's filters or a
    /// Linear's output rows; 1: their input channels or columns), the fraction of live slices with the
    /// smallest L<paramref name="n"/> norm.
    /// </summary>
    public static void ln_structured(nn.Module module, string name, double amount, double n, long dim) =>
        LnStructured(module, name, Amount.Fraction(amount), n, dim);

    /// <summary>Prunes the given number of live slices along <paramref name="dim"/> with the smallest Ln norm.</summary>
    public static void ln_structured(nn.Module module, string name, long amount, double n, long dim) =>
        LnStructured(module, name, Amount.Count(amount), n, dim);

    /// <summary>
    /// Prunes the bias entries of the filters (output channels, dim 0 of <c>weight</c>) whose weights are all pruned, so
    /// that a pruned filter's channel is exactly act(0) instead of the constant act(bias). PyTorch's
    /// <c>ln_structured</c> leaves the bias alone; a constant channel still costs its readers their weights, while a zero
    /// channel lets a compiler such as SparseGen drop the channel and every weight that reads it.
    /// </summary>
    /// <exception cref="ArgumentException">The module has no bias, or its weight is not pruned.</exception>
    public static void bias_with_filters(nn.Module module)
    {
        using var scope = NewDisposeScope();
        var mask = PruningMasks.Find(module, "weight")
            ?? throw new ArgumentException($"{module.GetType().Name}.weight is not pruned: prune its filters first (ln_structured with dim 0)", nameof(module));
        var bias = PruningMasks.Parameter(module, "bias");
        var filterAlive = mask.reshape(mask.shape[0], -1).sum(1).ne(0);
        Combine(module, "bias", filterAlive.to(bias.dtype));
    }

    /// <summary>
    /// N:M sparsity along the input dimension: in every group of <paramref name="m"/> consecutive weights along
    /// dim 1 (a Linear's inputs; a Conv2d's input channels at one kernel position), at most
    /// <paramref name="n"/> stay, those with the largest magnitude (2:4 is what sparse tensor cores execute).
    /// Entries already pruned stay pruned.
    /// </summary>
    /// <exception cref="ArgumentException">dim 1 is not a multiple of M, or N is not from 0 to M.</exception>
    public static void n_m_structured(nn.Module module, string name, int n, int m)
    {
        if (m <= 0 || n < 0 || n > m)
        {
            throw new ArgumentException($"N:M sparsity needs 0 <= N <= M and M > 0; got {n}:{m}", nameof(n));
        }

        using var scope = NewDisposeScope();
        var weight = PruningMasks.Parameter(module, name);
        if (weight.dim() < 2 || weight.shape[1] % m != 0)
        {
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", weight.shape)}]: N:M groups run along dim 1, which must be a multiple of M = {m}",
                nameof(name));
        }

        // [out, in, rest...] -> [out, rest..., in/M, M] so each group of M is one innermost row.
        var alive = AliveMask(module, name, weight);
        var scores = weight.detach().abs().mul(alive).add(alive.sub(1)); // pruned entries score -1: never among the largest
        var moved = scores.movedim(new long[] { 1 }, new long[] { -1 });
        var grouped = moved.reshape(-1, m);
        var keepGrouped = zeros_like(grouped);
        if (n > 0)
        {
            var largest = grouped.topk(n, dim: 1, largest: true).indexes;
            keepGrouped.scatter_(1, largest, ones_like(largest, dtype: keepGrouped.dtype));
        }

        var keep = keepGrouped.reshape(moved.shape).movedim(new long[] { -1 }, new long[] { 1 });
        Combine(module, name, keep);
    }

    /// <summary>
    /// Block sparsity along the outputs: prunes whole blocks of <paramref name="block_size"/> consecutive outputs (a
    /// Conv2d's filters, a Linear's outputs) at one input (and kernel position), those with the smallest L2 norm first,
    /// until at least the fraction <paramref name="sparsity"/> of the weight's entries is zero (those pruned already
    /// count). Blocks of 16 are a 512-bit vector of output channels, what SparseGen's channels-in-lanes and block kernels
    /// multiply at once: a pruned block is a vector multiply-add the generated code does not perform, where scattered
    /// zeros leave most vectors partly live. A weight whose outputs are not a multiple of the block ends with one shorter block.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">the block is empty or the sparsity is not a fraction from 0 to 1.</exception>
    public static void block_structured(nn.Module module, string name, double sparsity, long block_size)
    {
        if (block_size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(block_size), block_size, "a block holds at least one output: 16 is a 512-bit vector of output channels");
        }

        if (sparsity is < 0 or > 1 || double.IsNaN(sparsity))
        {
            throw new ArgumentOutOfRangeException(nameof(sparsity), sparsity, "the share of the weight's entries to leave at zero, from 0 to 1");
        }

        using var scope = NewDisposeScope();
        var weight = PruningMasks.Parameter(module, name);
        var alive = AliveMask(module, name, weight);
        var outputs = weight.shape[0];
        var groups = (outputs + block_size - 1) / block_size;
        var rest = weight.numel() / outputs;

        // [O, rest] -> [groups, block, rest], the missing outputs of a short last block as dead zeros.
        var padding = groups * block_size - outputs;
        Tensor Blocks(Tensor t)
        {
            var flat = t.reshape(outputs, rest);
            return (padding == 0 ? flat : cat(new[] { flat, zeros(padding, rest, dtype: t.dtype) })).reshape(groups, block_size, rest);
        }

        var liveCounts = Blocks(alive).sum(1).flatten();
        var norms = Blocks(weight.detach().mul(alive).square()).sum(1).flatten();
        var toPrune = (long)Math.Ceiling((sparsity * weight.numel()) - 1e-9) - (weight.numel() - (long)Math.Round(alive.sum().item<float>()));
        if (toPrune <= 0)
        {
            return;
        }

        var liveBlocks = liveCounts.gt(0).nonzero().flatten();
        var order = norms.index_select(0, liveBlocks).argsort();
        var removed = liveCounts.index_select(0, liveBlocks).index_select(0, order).cumsum(0);
        var take = Math.Min(removed.lt((double)toPrune).sum().item<long>() + 1, order.shape[0]); // the block that reaches the count goes too
        var keepBlocks = ones(groups * rest, dtype: weight.dtype);
        keepBlocks.index_fill_(0, liveBlocks.index_select(0, order.slice(0, 0, take, 1)), 0);
        var keep = keepBlocks.reshape(groups, 1, rest).expand(groups, block_size, rest).reshape(groups * block_size, rest).slice(0, 0, outputs, 1);
        Combine(module, name, keep.reshape(weight.shape).contiguous());
    }

    private static void LnStructured(nn.Module module, string name, Amount amount, double n, long dim)
    {
        using var scope = NewDisposeScope();
        var weight = PruningMasks.Parameter(module, name);
        var rank = weight.dim();
        if (dim < -rank || dim >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"{name} has {rank} dimensions");
        }

        if (dim < 0)
        {
            dim += rank;
        }

        var alive = AliveMask(module, name, weight);
        var otherDims = new long[rank - 1];
        for (long d = 0, i = 0; d < rank; d++)
        {
            if (d != dim)
            {
                otherDims[i++] = d;
            }
        }

        var masked = weight.detach().mul(alive);
        var norms = otherDims.Length == 0 ? masked.abs() : linalg.vector_norm(masked, n, otherDims);
        var sliceAlive = otherDims.Length == 0 ? alive : alive.amax(otherDims).gt(0);
        var candidates = sliceAlive.to(ScalarType.Bool).nonzero().flatten();
        var toPrune = amount.Of(candidates.shape[0]);
        var keepSlices = ones(weight.shape[dim], dtype: weight.dtype);
        if (toPrune > 0)
        {
            var smallest = norms.index_select(0, candidates).topk((int)toPrune, largest: false).indexes;
            keepSlices.index_fill_(0, candidates.index_select(0, smallest), 0);
        }

        var view = new long[rank];
        Array.Fill(view, 1L);
        view[dim] = weight.shape[dim];
        Combine(module, name, keepSlices.reshape(view).expand_as(weight).contiguous());
    }
}
