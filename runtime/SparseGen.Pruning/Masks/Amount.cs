using System;

namespace SparseGen.Pruning.Masks;

/// <summary>How many units to prune: a fraction of the candidates (0 to 1) or an absolute count, as in PyTorch.</summary>
internal readonly struct Amount
{
    private readonly double fraction;
    private readonly long count;
    private readonly bool isCount;

    private Amount(double fraction, long count, bool isCount)
    {
        this.fraction = fraction;
        this.count = count;
        this.isCount = isCount;
    }

    public static Amount Fraction(double amount, string parameterName = "amount")
    {
        if (double.IsNaN(amount) || amount < 0 || amount > 1)
        {
            throw new ArgumentOutOfRangeException(parameterName, amount, "a fraction to prune must be from 0 to 1 (pass an int to prune a number of units)");
        }

        return new Amount(amount, 0, false);
    }

    public static Amount Count(long amount, string parameterName = "amount")
    {
        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, amount, "a number of units to prune cannot be negative");
        }

        return new Amount(0, amount, true);
    }

    /// <summary>The number of units to prune out of <paramref name="candidates"/>, as PyTorch rounds it.</summary>
    public long Of(long candidates)
    {
        if (!isCount)
        {
            return (long)Math.Round(fraction * candidates, MidpointRounding.ToEven);
        }

        if (count > candidates)
        {
            throw new ArgumentException($"cannot prune {count} units: only {candidates} are left unpruned");
        }

        return count;
    }
}
