using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// Places every value in one arena at compile time. A value takes the lowest free range that fits when
/// its producer runs and frees it after its last reader; a Reshape's output is the same range as its
/// input (row-major data does not move), so the range lives as long as any of its names is read. An
/// op's output never overlaps its inputs, so kernels need not care about aliasing.
/// </summary>
internal static class BufferPlanner
{
    public static BufferPlan Plan(ModelGraph graph)
    {
        var operations = graph.Operations;
        var storageOf = new Dictionary<string, string>(StringComparer.Ordinal) { [graph.InputName] = graph.InputName };
        foreach (var op in operations)
        {
            storageOf[op.Output] = op is ReshapeOperation reshape ? storageOf[reshape.Input] : op.Output;
        }

        // The step after which each storage is free: its last reader, or never for the graph output's.
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var storage in storageOf.Values)
        {
            lastUse[storage] = -1;
        }

        for (var step = 0; step < operations.Count; step++)
        {
            foreach (var input in operations[step].Inputs)
            {
                lastUse[storageOf[input]] = step;
            }
        }

        lastUse[storageOf[graph.OutputName]] = int.MaxValue;

        var live = new List<(string Storage, int Offset, int Length)>();
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var arenaLength = 0;

        void Allocate(string storage)
        {
            var length = ShapeInference.ElementCount(graph.ShapeOf(storage));
            var offset = 0;
            foreach (var range in live.OrderBy(r => r.Offset))
            {
                if (range.Offset - offset >= length)
                {
                    break;
                }

                offset = Math.Max(offset, BufferPlan.Align(range.Offset + range.Length));
            }

            live.Add((storage, offset, length));
            offsets[storage] = offset;
            arenaLength = Math.Max(arenaLength, offset + length);
        }

        Allocate(graph.InputName);
        for (var step = 0; step < operations.Count; step++)
        {
            var op = operations[step];
            if (op is not ReshapeOperation)
            {
                Allocate(op.Output);
            }

            live.RemoveAll(range => lastUse[range.Storage] <= step);
        }

        var valueOffsets = storageOf.ToDictionary(pair => pair.Key, pair => offsets[pair.Value], StringComparer.Ordinal);
        return new BufferPlan(valueOffsets, arenaLength);
    }
}
