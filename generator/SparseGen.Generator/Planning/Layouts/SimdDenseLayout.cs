using System;

namespace SparseGen.Generator.Planning;

/// <summary>
/// The layout of a fully connected layer as dense SIMD: its weights input-major, the outputs padded with zeros to whole
/// strips of K vectors, and a wide row of that length the strips are stored to before the outputs take their part.
/// </summary>
internal static class SimdDenseLayout
{
    /// <summary>K at most: the accumulators a strip keeps in registers.</summary>
    public const int MaxAccumulators = 12;

    /// <summary>The widest lanes a strip is sized for.</summary>
    public const int WidestLanes = 16;

    /// <summary>Vectors of outputs per strip: as few strips as hold every output with at most <see cref="MaxAccumulators"/> each.</summary>
    public static int Accumulators(int outFeatures)
    {
        var vectors = Math.Max(1, (outFeatures + WidestLanes - 1) / WidestLanes);
        var strips = (vectors + MaxAccumulators - 1) / MaxAccumulators;
        return (vectors + strips - 1) / strips;
    }

    /// <summary>The table's row length, and the wide row's: the outputs padded with zeros to whole strips.</summary>
    public static int PaddedOutputs(int outFeatures)
    {
        var strip = Accumulators(outFeatures) * WidestLanes;
        return (outFeatures + strip - 1) / strip * strip;
    }
}
