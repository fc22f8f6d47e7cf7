namespace SparseGen.Model;

/// <summary>
/// Bounds that keep hostile or corrupt files from exhausting memory or time. Each is far above what
/// a model meant for compile-time code generation needs; every error that cites one names it.
/// </summary>
public static class ModelLimits
{
    /// <summary>Largest model file (protobuf caps messages at 2 GiB; a model compiled into code is far smaller).</summary>
    public const long MaxModelBytes = 1L << 30;

    /// <summary>Most elements in one tensor (64 Mi floats, 256 MiB).</summary>
    public const long MaxTensorElements = 1L << 26;

    /// <summary>Most elements in one activation of one sample (16 Mi floats).</summary>
    public const long MaxActivationElements = 1L << 24;

    /// <summary>Largest single dimension of any tensor.</summary>
    public const long MaxDimension = 1L << 24;

    /// <summary>Most dimensions of a tensor.</summary>
    public const int MaxRank = 8;

    /// <summary>Most nodes in a graph.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>
    /// Most entries of all repeated messages together (nodes, initializers, value infos, attributes,
    /// metadata). Each costs a few hundred bytes in memory for as little as two bytes of file, so this
    /// bounds what a small hostile file can make the reader allocate.
    /// </summary>
    public const int MaxEntries = 250_000;

    /// <summary>Largest kernel, stride, dilation or padding of a convolution or pool.</summary>
    public const int MaxWindow = 4096;

    /// <summary>Most multiply-adds per sample the reference evaluator will run for one model.</summary>
    public const long MaxMacsPerSample = 1L << 34;
}
