using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// A weight seen as vectors of up to 16 outputs (a convolution's output channels, a fully connected layer's outputs) at
/// each of its other indices: the unit the block strategies keep or leave out whole. Outputs whose nonzero weights sit at
/// the same indices share a block, so weights pruned in blocks of 16 outputs stay in whole vectors even after the graph
/// optimiser removed dead outputs from between them; other outputs fill blocks in their order.
/// </summary>
internal sealed class OutputBlocks
{
    /// <summary>Outputs per vector: the widest lanes (Vector512 of floats), so every narrower width reads whole vectors.</summary>
    public const int Size = 16;

    private readonly Tensor _weight;

    private OutputBlocks(Tensor weight, int[] slots, int live, int liveChannels, int keptZeros)
    {
        _weight = weight;
        Slots = slots;
        LiveVectors = live;
        LiveChannelVectors = liveChannels;
        KeptZeros = keptZeros;
    }

    /// <summary>The output of each lane of each block (block b's lanes are slots 16b … 16b + 15), −1 for a lane left empty.</summary>
    public IReadOnlyList<int> Slots { get; }

    /// <summary>Blocks of outputs.</summary>
    public int Blocks => Slots.Count / Size;

    /// <summary>The vectors (a block at one other index) with a nonzero weight.</summary>
    public int LiveVectors { get; }

    /// <summary>
    /// The live vectors counted in <paramref name="lanes"/>-wide pieces of their block's outputs, as a kernel of that width
    /// runs them (a block of 10 outputs is two 8-lane pieces, one of 16).
    /// </summary>
    public double LivePieces(int lanes) => LiveChannelVectors == 0 ? 0 : LiveVectors * Math.Ceiling((double)LiveChannelVectors / LiveVectors / lanes);

    /// <summary>Sum over the live vectors of their block's outputs.</summary>
    private int LiveChannelVectors { get; }

    /// <summary>Zero weights inside the live vectors (empty lanes not counted): what the block kernels still multiply.</summary>
    public int KeptZeros { get; }

    /// <summary>The blocks of <paramref name="weight"/>, whose first dimension is its outputs.</summary>
    public static OutputBlocks Of(Tensor weight) => WithSlots(weight, Partition(weight, weight.Shape[0], Rest(weight)));

    /// <summary>Blocks of 16 consecutive outputs of <paramref name="weight"/>, lane l of block b output 16b + l: for weights already in lane order.</summary>
    public static OutputBlocks InOrder(Tensor weight)
    {
        var outputs = weight.Shape[0];
        var slots = new int[(outputs + Size - 1) / Size * Size];
        for (var lane = 0; lane < slots.Length; lane++)
        {
            slots[lane] = lane < outputs ? lane : -1;
        }

        return WithSlots(weight, slots);
    }

    private static OutputBlocks WithSlots(Tensor weight, int[] slots)
    {
        int live = 0, liveChannels = 0, keptZeros = 0;
        foreach (var vector in Vectors(weight, slots))
        {
            if (vector.NonZeros > 0)
            {
                live++;
                liveChannels += vector.Outputs;
                keptZeros += vector.Outputs - vector.NonZeros;
            }
        }

        return new OutputBlocks(weight, slots, live, liveChannels, keptZeros);
    }

    /// <summary>
    /// The live vectors block by block, each at its index into the weight's other dimensions (a convolution's
    /// c · kH · kW + kernel position, a fully connected layer's input) in ascending order, with its 16 weights (zero in
    /// empty lanes); and where each block's vectors start in that list (one more than blocks).
    /// </summary>
    public (IReadOnlyList<(int Index, float[] Weights)> Vectors, IReadOnlyList<int> Starts) LiveVectorsByBlock()
    {
        var vectors = new List<(int, float[])>();
        var starts = new List<int> { 0 };
        foreach (var vector in Vectors(_weight, Slots))
        {
            if (vector.NonZeros > 0)
            {
                var weights = new float[Size];
                for (var lane = 0; lane < Size; lane++)
                {
                    var output = Slots[vector.First + lane];
                    weights[lane] = output >= 0 ? _weight.Data[((long)output * vector.Indices) + vector.Index] : 0f;
                }

                vectors.Add((vector.Index, weights));
            }

            if (vector.Index == vector.Indices - 1)
            {
                starts.Add(vectors.Count);
            }
        }

        return (vectors, starts);
    }

    private static int Rest(Tensor weight) => weight.Data.Length / Math.Max(1, weight.Shape[0]);

    /// <summary>
    /// Every vector, block by block (<paramref name="slots"/>) and index by index: where its block's lanes start, its
    /// index, the block's outputs (lanes that are not empty) and its nonzero weights.
    /// </summary>
    private static IEnumerable<(int First, int Index, int Indices, int Outputs, int NonZeros)> Vectors(Tensor weight, IReadOnlyList<int> slots)
    {
        var rest = Rest(weight);
        for (var first = 0; first < slots.Count; first += Size)
        {
            var outputs = 0;
            for (var lane = 0; lane < Size; lane++)
            {
                outputs += slots[first + lane] >= 0 ? 1 : 0;
            }

            for (var r = 0; r < rest; r++)
            {
                var nonZeros = 0;
                for (var lane = 0; lane < Size; lane++)
                {
                    var output = slots[first + lane];
                    nonZeros += output >= 0 && weight.Data[((long)output * rest) + r] != 0f ? 1 : 0;
                }

                yield return (first, r, rest, outputs, nonZeros);
            }
        }
    }

    /// <summary>
    /// Outputs with the same nonzero indices, in runs of up to 16, each a block; the shorter runs then fill blocks in order
    /// (merging never adds a vector at 16 lanes: a merged block's live vectors are the union of its parts'). Unstructured
    /// weights (every output its own pattern) get blocks of 16 consecutive outputs; dense ones too.
    /// </summary>
    private static int[] Partition(Tensor weight, int outputs, int rest)
    {
        var groups = new Dictionary<Pattern, List<int>>();
        var order = new List<List<int>>();
        for (var o = 0; o < outputs; o++)
        {
            var nonZeros = new List<int>();
            for (var r = 0; r < rest; r++)
            {
                if (weight.Data[((long)o * rest) + r] != 0f)
                {
                    nonZeros.Add(r);
                }
            }

            var pattern = new Pattern(nonZeros.ToArray());
            if (!groups.TryGetValue(pattern, out var group))
            {
                group = new List<int>();
                groups.Add(pattern, group);
                order.Add(group);
            }

            group.Add(o);
        }

        var blocks = new List<List<int>>();
        var partial = new List<int>();
        foreach (var group in order)
        {
            for (var start = 0; start < group.Count; start += Size)
            {
                var run = group.GetRange(start, Math.Min(Size, group.Count - start));
                if (run.Count == Size)
                {
                    blocks.Add(run);
                }
                else if (run.Count > 1)
                {
                    blocks.Add(run); // a block of its own: outputs pruned alike stay together, the lanes left empty
                }
                else
                {
                    partial.Add(run[0]);
                }
            }
        }

        // Outputs with a pattern of their own (unstructured weights) fill blocks in output order.
        partial.Sort();
        for (var start = 0; start < partial.Count; start += Size)
        {
            blocks.Add(partial.GetRange(start, Math.Min(Size, partial.Count - start)));
        }

        blocks.Sort((a, b) => a[0].CompareTo(b[0]));
        var slots = new int[blocks.Count * Size];
        for (var b = 0; b < blocks.Count; b++)
        {
            for (var lane = 0; lane < Size; lane++)
            {
                slots[(b * Size) + lane] = lane < blocks[b].Count ? blocks[b][lane] : -1;
            }
        }

        return slots;
    }

    /// <summary>The indices of an output's nonzero weights, compared by value.</summary>
    private readonly struct Pattern : IEquatable<Pattern>
    {
        private readonly int[] _indices;
        private readonly int _hash;

        public Pattern(int[] indices)
        {
            _indices = indices;
            var hash = indices.Length;
            foreach (var index in indices)
            {
                hash = unchecked((hash * 31) + index);
            }

            _hash = hash;
        }

        public bool Equals(Pattern other) => _hash == other._hash && _indices.AsSpan().SequenceEqual(other._indices);

        public override bool Equals(object? obj) => obj is Pattern other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
