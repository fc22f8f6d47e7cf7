using System;
using SparseGen.Model;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Model;

/// <summary>
/// A model file read, imported and optimised: done once per file content, and shared by the CPU and GPU code of every
/// class that names the file. Exactly one of <see cref="Graph"/>, <see cref="ReadError"/>, <see cref="Error"/> and
/// <see cref="Failure"/> is set. Equality is the content's (path and SHA-256): the rest is a function of it, so the
/// pipeline compares two loaded models without walking their graphs.
/// </summary>
internal sealed class LoadedModel : IEquatable<LoadedModel>
{
    public LoadedModel(ModelContent content, ModelGraph? graph = null, ModelError? error = null, string? failure = null)
    {
        Content = content;
        Graph = graph;
        Error = error;
        Failure = failure;
        NonZeroWeights = graph is null ? 0 : CountNonZeroWeights(graph);
    }

    public ModelContent Content { get; }

    public string Path => Content.Path;

    /// <summary>The model after the exact passes (BatchNorm folding, activation fusion, dead channels), or null.</summary>
    public ModelGraph? Graph { get; }

    /// <summary>Why the file could not be read, or null.</summary>
    public string? ReadError => Content.ReadError;

    /// <summary>What the model layer found wrong with the model, or null.</summary>
    public ModelError? Error { get; }

    /// <summary>An unexpected exception's type and message (a bug in SparseGen), or null.</summary>
    public string? Failure { get; }

    /// <summary>The Conv and Dense weights left nonzero after the passes.</summary>
    public long NonZeroWeights { get; }

    public bool Equals(LoadedModel? other) => other is not null && Content.Equals(other.Content);

    public override bool Equals(object? obj) => Equals(obj as LoadedModel);

    public override int GetHashCode() => Content.GetHashCode();

    private static long CountNonZeroWeights(ModelGraph graph)
    {
        long count = 0;
        foreach (var op in graph.Operations)
        {
            count += op switch
            {
                ConvOperation conv => conv.Weight.NonZeroCount,
                DenseOperation dense => dense.Weight.NonZeroCount,
                _ => 0L,
            };
        }

        return count;
    }
}

/// <summary>
/// What one class compiles: its key and the model its path resolved to, or why the path resolved to nothing. Equal for
/// a class whose own model did not change, whatever happened to the others, so its code is not generated again.
/// </summary>
/// <param name="Model">The loaded model, or null where the path named no model file given to the compiler.</param>
/// <param name="ModelFilesGiven">The model files the compiler was given, for the message when the path resolved to none.</param>
internal sealed record ClassModel(ModelKey Key, LoadedModel? Model, string ModelFilesGiven);
