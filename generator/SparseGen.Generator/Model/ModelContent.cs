using System;

namespace SparseGen.Generator.Model;

/// <summary>
/// A model file as read from disk. Equality is by path, length and SHA-256 only: the pipeline caches on
/// content, so an unchanged model costs nothing, while the bytes ride along for the step that parses them.
/// </summary>
internal sealed class ModelContent : IEquatable<ModelContent>
{
    public ModelContent(string path, byte[]? bytes, string hash, string? readError)
    {
        Path = path;
        Bytes = bytes;
        Hash = hash;
        ReadError = readError;
    }

    /// <summary>The full path the compiler was given.</summary>
    public string Path { get; }

    public byte[]? Bytes { get; }

    public long Length => Bytes?.LongLength ?? -1;

    /// <summary>SHA-256 of the bytes, lower-case hex; empty when the file could not be read.</summary>
    public string Hash { get; }

    /// <summary>Why the file could not be read, or null.</summary>
    public string? ReadError { get; }

    public bool Equals(ModelContent? other) =>
        other is not null && Path == other.Path && Length == other.Length && Hash == other.Hash && ReadError == other.ReadError;

    public override bool Equals(object? obj) => Equals(obj as ModelContent);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Path) ^ StringComparer.Ordinal.GetHashCode(Hash);
}

/// <summary>The outcome for one class: its generated source (or none) and the diagnostics, without locations.</summary>
internal sealed record GenerationResult(ModelKey Key, string HintName, string? Source, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
