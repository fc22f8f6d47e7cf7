using System;

namespace SparseGen.Pruning.Schedules;

/// <summary>
/// When to prune and to which sparsity, counted in steps that the caller chooses (epochs or optimiser steps).
/// A training loop asks <see cref="PrunesAt"/> each step and, when it does, prunes by
/// <see cref="AmountAt"/>: the fraction of the still-live weights that takes the model from the previous
/// target to this step's target (the pruning methods take amounts relative to the live weights).
/// </summary>
public abstract record PruningSchedule
{
    /// <summary>The sparsity the model should have after pruning at <paramref name="step"/>.</summary>
    public abstract double SparsityAt(int step);

    /// <summary>Whether the schedule prunes at <paramref name="step"/>.</summary>
    public abstract bool PrunesAt(int step);

    /// <summary>The fraction of live weights to prune at <paramref name="step"/> (0 where it does not prune).</summary>
    public double AmountAt(int step)
    {
        if (!PrunesAt(step))
        {
            return 0;
        }

        var before = step == 0 ? 0 : SparsityAt(step - 1);
        return Increment(before, SparsityAt(step));
    }

    /// <summary>The fraction of the live weights to prune to go from sparsity <paramref name="current"/> to <paramref name="target"/>.</summary>
    public static double Increment(double current, double target)
    {
        if (target <= current)
        {
            return 0;
        }

        return current >= 1 ? 0 : Math.Min(1, (target - current) / (1 - current));
    }

    internal static void CheckSparsity(double sparsity, string name)
    {
        if (double.IsNaN(sparsity) || sparsity < 0 || sparsity > 1)
        {
            throw new ArgumentOutOfRangeException(name, sparsity, "a sparsity is a fraction from 0 to 1");
        }
    }
}

/// <summary>Prunes once, at <paramref name="Step"/>, straight to <paramref name="Sparsity"/>.</summary>
public sealed record OneShotSchedule(double Sparsity, int Step = 0) : PruningSchedule
{
    public override double SparsityAt(int step)
    {
        CheckSparsity(Sparsity, nameof(Sparsity));
        return step >= Step ? Sparsity : 0;
    }

    public override bool PrunesAt(int step) => step == Step;
}

/// <summary>
/// Iterative pruning: every <paramref name="Every"/> steps from <paramref name="Start"/>, removes the fraction
/// <paramref name="Rate"/> of the live weights, <paramref name="Times"/> times in all; after j prunings the
/// sparsity is 1 − (1 − Rate)^j.
/// </summary>
public sealed record IterativeSchedule(double Rate, int Every, int Times, int Start = 0) : PruningSchedule
{
    public override double SparsityAt(int step)
    {
        CheckSparsity(Rate, nameof(Rate));
        if (Every <= 0)
        {
            throw new ArgumentException($"pruning must happen every 1 or more steps; Every is {Every}");
        }

        if (step < Start)
        {
            return 0;
        }

        var done = Math.Min(Times, ((step - Start) / Every) + 1);
        return 1 - Math.Pow(1 - Rate, done);
    }

    public override bool PrunesAt(int step) =>
        step >= Start && (step - Start) % Every == 0 && (step - Start) / Every < Times;
}

/// <summary>
/// Gradual magnitude pruning (Zhu &amp; Gupta 2017, "To prune, or not to prune"): from
/// <paramref name="InitialSparsity"/> at <paramref name="Start"/> to <paramref name="FinalSparsity"/> at
/// <paramref name="End"/>, pruning every <paramref name="Frequency"/> steps along
/// s(t) = s_f + (s_i − s_f)·(1 − (t − t₀)/(t_end − t₀))³: fast while many redundant weights are left, slowly
/// near the end so the network can recover.
/// </summary>
public sealed record GradualSchedule(double InitialSparsity, double FinalSparsity, int Start, int End, int Frequency = 1) : PruningSchedule
{
    public override double SparsityAt(int step)
    {
        CheckSparsity(InitialSparsity, nameof(InitialSparsity));
        CheckSparsity(FinalSparsity, nameof(FinalSparsity));
        if (End <= Start || Frequency <= 0)
        {
            throw new ArgumentException($"a gradual schedule needs End > Start and Frequency > 0; got Start {Start}, End {End}, Frequency {Frequency}");
        }

        if (step < Start)
        {
            return 0;
        }

        // The sparsity holds between pruning steps: take the last pruning step at or before this one.
        var last = Math.Min(End, Start + ((step - Start) / Frequency * Frequency));
        var progress = (double)(last - Start) / (End - Start);
        return FinalSparsity + ((InitialSparsity - FinalSparsity) * Math.Pow(1 - progress, 3));
    }

    public override bool PrunesAt(int step) => step >= Start && step <= End && ((step - Start) % Frequency == 0 || step == End);
}
