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

    /// <summary>
    /// Every value and scratch range starts at a multiple of this many floats, 64 bytes: a cache line and the widest
    /// vector. The generated arena itself starts on a 64-byte boundary, so aligned offsets give vector loads that never
    /// split a cache line.
    /// </summary>
    public const int Alignment = 16;

    /// <summary><see cref="Alignment"/> in bytes.</summary>
    public const int AlignmentBytes = Alignment * sizeof(float);

    /// <summary><paramref name="offset"/> rounded up to the next multiple of <see cref="Alignment"/>.</summary>
    public static int Align(int offset) => (offset + Alignment - 1) / Alignment * Alignment;

    /// <summary>Where <paramref name="value"/> lives, or null where it never lands in the arena (a convolution's output that a fused pool consumes in registers).</summary>
    public int? PlacedAt(string value) => _offsets.TryGetValue(value, out var offset) ? offset : null;

    public int OffsetOf(string value) =>
        _offsets.TryGetValue(value, out var offset) ? offset : throw new InvalidOperationException($"value '{value}' has no place in the arena");
}
