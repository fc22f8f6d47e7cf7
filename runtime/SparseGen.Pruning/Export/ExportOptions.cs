using System;
using System.Collections.Generic;

namespace SparseGen.Pruning.Export;

/// <summary>
/// What <see cref="OnnxExporter"/> needs besides the model: the input's per-sample shape, and the facts it
/// records in the file's <c>metadata_props</c> for whoever consumes the model.
/// </summary>
/// <param name="InputChannels">C of the input [batch, C, H, W].</param>
/// <param name="InputHeight">H of the input.</param>
/// <param name="InputWidth">W of the input.</param>
public sealed record ExportOptions(int InputChannels, int InputHeight, int InputWidth)
{
    /// <summary>The pruning method, recorded as <c>sparsegen.pruning.method</c> (e.g. <c>global_unstructured_l1</c>).</summary>
    public string PruningMethod { get; init; } = "none";

    /// <summary>The sparsity the pruning aimed for (0 to 1), recorded as <c>sparsegen.sparsity.target</c> when given.</summary>
    public double? TargetSparsity { get; init; }

    /// <summary>
    /// The sparsity reached, recorded as <c>sparsegen.sparsity.achieved</c>; when null, the exporter counts
    /// the zeros of the Conv2d and Linear weights it writes.
    /// </summary>
    public double? AchievedSparsity { get; init; }

    /// <summary>Test accuracy (0 to 1), recorded as <c>sparsegen.accuracy</c> when given.</summary>
    public double? Accuracy { get; init; }

    /// <summary>How a raw pixel becomes the model's input.</summary>
    public InputPreprocessing Preprocessing { get; init; } = InputPreprocessing.None;

    /// <summary>Further <c>metadata_props</c> entries, written after SparseGen's own.</summary>
    public IReadOnlyDictionary<string, string> ExtraMetadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The input normalisation a consumer applies before inference: <c>x = (pixel · Scale − Mean[c]) / Std[c]</c>,
/// with one Mean and Std for all channels or one per channel.
/// </summary>
public sealed record InputPreprocessing(float Scale, float[] Mean, float[] Std)
{
    /// <summary>The model takes pixels as they are.</summary>
    public static InputPreprocessing None { get; } = new(1f, new[] { 0f }, new[] { 1f });

    /// <summary>Bytes 0..255 scaled to 0..1 and nothing else.</summary>
    public static InputPreprocessing UnitScale { get; } = new(1f / 255f, new[] { 0f }, new[] { 1f });

    /// <summary>Bytes scaled to 0..1, then standardised with one mean and standard deviation.</summary>
    public static InputPreprocessing Standardised(float mean, float std) => new(1f / 255f, new[] { mean }, new[] { std });

    /// <summary>Checks that Mean and Std are given per channel or once, and that no Std is zero.</summary>
    internal void Validate(int channels)
    {
        if (Mean.Length is 0 || Std.Length is 0 || (Mean.Length != 1 && Mean.Length != channels) || (Std.Length != 1 && Std.Length != channels))
        {
            throw new ArgumentException($"input preprocessing needs one Mean and Std, or {channels} (one per channel); it has {Mean.Length} and {Std.Length}");
        }

        if (Array.Exists(Std, s => s == 0f || float.IsNaN(s)))
        {
            throw new ArgumentException("input preprocessing has a standard deviation of zero");
        }
    }
}
