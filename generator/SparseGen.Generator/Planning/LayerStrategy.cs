namespace SparseGen.Generator.Planning;

/// <summary>How the generated code computes a layer with weights.</summary>
internal enum LayerStrategy
{
    /// <summary>One scalar multiply-add per nonzero weight with the weight as a float literal; zeros absent.</summary>
    Unrolled,

    /// <summary>Nonzero weights and their positions in static tables, walked by scalar loops specialised to the layer's shape.</summary>
    SparseTable,

    /// <summary>
    /// Convolution with output pixels in SIMD lanes: every nonzero tap is a broadcast float literal
    /// multiplied into a strip of accumulators over the (padded) input plane; zeros absent.
    /// </summary>
    SimdUnrolled,

    /// <summary>Convolution with output pixels in SIMD lanes, the nonzero taps and their input offsets read from static tables.</summary>
    SimdTable,

    /// <summary>Fully connected with outputs in SIMD lanes: every weight (zeros too) in a static table, stored input-major.</summary>
    DenseSimd,

    /// <summary>
    /// Fully connected, compressed rows: per output the nonzero weights and their input columns (16-bit where the
    /// inputs allow) in static tables, summed in four independent partial sums with unchecked indexing.
    /// </summary>
    SparseRows,

    /// <summary>
    /// Convolution with output channels in SIMD lanes: every weight of a 16-channel block (zeros too) in a static table,
    /// each tap a vector of channels multiplied into a tile of pixels broadcast from the padded input.
    /// </summary>
    SimdChannels,

    /// <summary>
    /// Convolution with output channels in SIMD lanes, only the 16-channel weight vectors with a nonzero: per block of
    /// channels, each live (input channel, kernel position) vector and its input offset from static tables. For weights
    /// pruned in blocks of output channels, where whole vectors are zero.
    /// </summary>
    SimdChannelBlocks,

    /// <summary>
    /// Fully connected in 16-output blocks: per block, the inputs whose 16 weights are not all zero and those weight
    /// vectors in static tables, each a broadcast input multiplied into a vector of outputs, four partial sums.
    /// </summary>
    SparseBlocks,
}

internal static class LayerStrategyNames
{
    /// <summary>How reports and the generated code's comments name a strategy: <c>SIMD sparse table</c>.</summary>
    public static string DisplayName(this LayerStrategy strategy) => strategy switch
    {
        LayerStrategy.Unrolled => "unrolled",
        LayerStrategy.SparseTable => "sparse table",
        LayerStrategy.SimdUnrolled => "SIMD unrolled",
        LayerStrategy.SimdTable => "SIMD sparse table",
        LayerStrategy.DenseSimd => "dense SIMD",
        LayerStrategy.SparseRows => "sparse rows",
        LayerStrategy.SimdChannels => "SIMD channels",
        LayerStrategy.SimdChannelBlocks => "SIMD channel blocks",
        LayerStrategy.SparseBlocks => "sparse blocks",
        _ => strategy.ToString(),
    };
}
