using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SparseGen.Model.Tests.Infrastructure;

/// <summary>A valid input to mutate, and how many mutated cases to derive from it.</summary>
internal sealed record FuzzSample(string Name, byte[] Bytes, int Cases);

/// <summary>A case whose check threw an exception that is not an expected one.</summary>
internal sealed record FuzzFailure(int Seed, string Sample, int Case, string Mutation, byte[] Input, Exception Exception)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"seed {Seed}, sample {Sample}, case {Case} ({Mutation}, {Input.Length} bytes): {Exception.GetType().Name}: {Exception.Message}{Environment.NewLine}{Exception.StackTrace}");
}

/// <summary>What a fuzzing run did.</summary>
internal sealed record FuzzResult(int Cases, int Accepted, int Rejected, IReadOnlyList<FuzzFailure> Failures)
{
    /// <summary>The first few failures, for an assertion message.</summary>
    public string Report(int max = 5) =>
        $"{Failures.Count} of {Cases} cases threw an unexpected exception:{Environment.NewLine}"
        + string.Join(Environment.NewLine + Environment.NewLine, Failures.Take(max));
}

/// <summary>
/// Derives corrupt inputs from valid ones (byte flips, truncations, splices of two samples,
/// duplicated and removed ranges, runs of 0xFF) and runs a check on each. The check may return or
/// throw an expected exception (by default <see cref="ModelException"/>); anything else is a failure.
/// Every case has its own seed derived from (seed, sample, case), so one failing case replays alone.
/// </summary>
internal sealed class MutationFuzzer
{
    private static readonly byte[] InterestingBytes = { 0x00, 0x01, 0x7F, 0x80, 0xFF, 0x08, 0x0A, 0x12, 0x3A };

    private readonly int _seed;
    private readonly Func<Exception, bool> _isExpected;

    public MutationFuzzer(int seed, Func<Exception, bool>? isExpected = null)
    {
        _seed = seed;
        _isExpected = isExpected ?? (e => e is ModelException);
    }

    public FuzzResult Run(IReadOnlyList<FuzzSample> samples, Action<byte[]> check)
    {
        var failures = new List<FuzzFailure>();
        int cases = 0, accepted = 0, rejected = 0;
        for (var sampleIndex = 0; sampleIndex < samples.Count; sampleIndex++)
        {
            var sample = samples[sampleIndex];
            for (var caseIndex = 0; caseIndex < sample.Cases; caseIndex++)
            {
                var (input, mutation) = Case(samples, sampleIndex, caseIndex);
                cases++;
                try
                {
                    check(input);
                    accepted++;
                }
                catch (Exception e) when (_isExpected(e))
                {
                    rejected++;
                }
                catch (Exception e)
                {
                    failures.Add(new FuzzFailure(_seed, sample.Name, caseIndex, mutation, input, e));
                }
            }
        }

        return new FuzzResult(cases, accepted, rejected, failures);
    }

    /// <summary>The mutated input of one case, and a description of the mutation.</summary>
    public (byte[] Input, string Mutation) Case(IReadOnlyList<FuzzSample> samples, int sampleIndex, int caseIndex)
    {
        var random = new Random(unchecked((_seed * 1_000_003) + (sampleIndex * 65_537) + caseIndex));
        var donor = samples[random.Next(samples.Count)].Bytes;
        return Mutate(random, samples[sampleIndex].Bytes, donor);
    }

    public static (byte[] Input, string Mutation) Mutate(Random random, byte[] sample, byte[] donor)
    {
        var length = sample.Length;
        switch (random.Next(7))
        {
            case 0:
            case 1:
            {
                var bytes = (byte[])sample.Clone();
                var count = 1 + random.Next(8);
                var description = new StringBuilder("set bytes");
                for (var i = 0; i < count && length > 0; i++)
                {
                    var position = random.Next(length);
                    bytes[position] = random.Next(3) switch
                    {
                        0 => (byte)(bytes[position] ^ (1 << random.Next(8))),
                        1 => InterestingBytes[random.Next(InterestingBytes.Length)],
                        _ => (byte)random.Next(256),
                    };
                    description.Append(CultureInfo.InvariantCulture, $" [{position}]={bytes[position]:X2}");
                }

                return (bytes, description.ToString());
            }

            case 2:
            {
                var cut = random.Next(length);
                return (sample.Take(cut).ToArray(), $"truncated to {cut}");
            }

            case 3:
            {
                var head = random.Next(length + 1);
                var tail = random.Next(donor.Length + 1);
                return (sample.Take(head).Concat(donor.Skip(tail)).ToArray(), $"first {head} bytes, then a donor from byte {tail}");
            }

            case 4:
            {
                var start = random.Next(length);
                var count = 1 + random.Next(Math.Min(256, length - start));
                var at = random.Next(length + 1);
                var bytes = sample.Take(at).Concat(sample.Skip(start).Take(count)).Concat(sample.Skip(at)).ToArray();
                return (bytes, $"bytes {start}..{start + count} copied in at {at}");
            }

            case 5:
            {
                var start = random.Next(length);
                var count = 1 + random.Next(Math.Min(64, length - start));
                return (sample.Take(start).Concat(sample.Skip(start + count)).ToArray(), $"bytes {start}..{start + count} removed");
            }

            default:
            {
                var at = random.Next(length + 1);
                var count = 1 + random.Next(12);
                var bytes = sample.Take(at).Concat(Enumerable.Repeat((byte)0xFF, count)).Concat(sample.Skip(at)).ToArray();
                return (bytes, $"{count} bytes 0xFF inserted at {at}");
            }
        }
    }
}
