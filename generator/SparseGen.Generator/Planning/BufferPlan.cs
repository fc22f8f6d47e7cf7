using System;
using System.Collections.Generic;

namespace SparseGen.Generator.Planning;

/// <summary>Where each value of one sample lives in the activation arena, a float array of <see cref="ArenaLength"/>.</summary>
internal sealed class BufferPlan
{
    private readonly IReadOnlyDictionary<string, int> _offsets;

    public BufferPlan(IReadOnlyDictionary<string, int> offsets, int arenaLength)
    {
        _offsets = offsets;
        ArenaLength = arenaLength;
    }

    public int ArenaLength { get; }

    public int OffsetOf(string value) =>
        _offsets.TryGetValue(value, out var offset) ? offset : throw new InvalidOperationException($"value '{value}' has no place in the arena");
}
