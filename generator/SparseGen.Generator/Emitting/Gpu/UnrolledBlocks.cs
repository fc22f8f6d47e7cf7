using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Emitting.Gpu;

/// <summary>One nonzero weight of an unrolled layer: the input it reads (a load shared by the block) and its value.</summary>
internal readonly record struct UnrolledTerm(long LoadKey, float Weight);

/// <summary>
/// Cuts a layer's output channels into consecutive blocks, one kernel each: a block holds at most
/// <see cref="GpuOptions.MaxAccumulatorsPerKernel"/> channels and stays within the statement budget,
/// counting one load per distinct input the block reads and one multiply-add per nonzero.
/// </summary>
internal static class UnrolledBlocks
{
    public static IReadOnlyList<(int Start, int End)> Form(IReadOnlyList<IReadOnlyList<UnrolledTerm>> channels, GpuOptions options, int fixedStatements)
    {
        var blocks = new List<(int, int)>();
        var start = 0;
        var loads = new HashSet<long>();
        var terms = 0;
        for (var m = 0; m < channels.Count; m++)
        {
            var newLoads = channels[m].Select(t => t.LoadKey).Where(k => !loads.Contains(k)).Distinct().Count();
            var statements = fixedStatements + loads.Count + newLoads + terms + channels[m].Count + (2 * (m - start + 1));
            if (m > start && (m - start >= options.MaxAccumulatorsPerKernel || statements > options.MaxStatementsPerKernel))
            {
                blocks.Add((start, m));
                start = m;
                loads.Clear();
                terms = 0;
            }

            foreach (var term in channels[m])
            {
                loads.Add(term.LoadKey);
            }

            terms += channels[m].Count;
        }

        blocks.Add((start, channels.Count));
        return blocks;
    }

    /// <summary>The block's loads in first-use order, each with the (channel in block, weight) updates it feeds.</summary>
    public static IReadOnlyList<(long LoadKey, IReadOnlyList<(int Channel, float Weight)> Updates)> Loads(IReadOnlyList<IReadOnlyList<UnrolledTerm>> channels, int start, int end)
    {
        var order = new List<long>();
        var updates = new Dictionary<long, List<(int, float)>>();
        for (var m = start; m < end; m++)
        {
            foreach (var term in channels[m])
            {
                if (!updates.TryGetValue(term.LoadKey, out var list))
                {
                    list = new List<(int, float)>();
                    updates[term.LoadKey] = list;
                    order.Add(term.LoadKey);
                }

                list.Add((m - start, term.Weight));
            }
        }

        // Loads in input order: neighbouring threads and neighbouring loads touch neighbouring addresses.
        return order.OrderBy(k => k).Select(k => (k, (IReadOnlyList<(int, float)>)updates[k])).ToList();
    }

    /// <summary><c>a3 += 0.5f * v;</c> or <c>a3 -= 0.5f * v;</c>.</summary>
    public static string Update(int channel, float weight) =>
        "a" + Literals.Int(channel) + (weight < 0f ? " -= " + Literals.Float(-weight) : " += " + Literals.Float(weight)) + " * v;";
}
