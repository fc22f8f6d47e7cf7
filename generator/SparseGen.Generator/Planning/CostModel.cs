using System;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// Estimated nanoseconds per call of each strategy, from measurements on this project's machines
/// (docs/kernels.md, "Cost model"). The generated code runs on
/// CPUs the generator never sees, so the model assumes 8-float vectors (AVX2, the common x64 case);
/// only the ratios between strategies decide anything.
/// </summary>
internal static class CostModel
{
    /// <summary>Floats per vector the estimates assume.</summary>
    public const int AssumedLanes = 8;

    /// <summary>
    /// Most vectors of accumulators in one strip of a SIMD convolution: 14 with the broadcast weight make 15 of the
    /// 16 vector registers of AVX2 (loads fold into the multiply-adds), and a 14×14 plane (rows padded to 16) is one
    /// strip of 512-bit vectors.
    /// </summary>
    public const int MaxConvAccumulators = 14;

    /// <summary>One SIMD multiply-add with its load, throughput-bound (two a cycle at ~3 GHz).</summary>
    public const double SimdMultiplyAdd = 0.17;

    /// <summary>
    /// One multiply-add of unrolled pixels-in-lanes code: its unaligned vector load of shifted inputs mostly splits a
    /// cache line (the dense tutorial conv2 as a SIMD table that loaded unaligned: 18,432 taps in 135 µs).
    /// </summary>
    public const double PixelLanesMultiplyAdd = 0.26;

    /// <summary>
    /// One multiply-add of a table-driven pixels-in-lanes convolution, whose runs are read as aligned vectors shifted into
    /// place in registers (<c>Realign</c>; the trained 90 % CNN's conv2, 22,960 vector multiply-adds, 9.1 µs with its
    /// input copy and pooled stores against 11.3 µs unrolled with split loads). Where the CPU has no one-instruction
    /// shift (AVX2 without AVX-512VL) the table takes split loads like the unrolled code and is estimated too low here.
    /// </summary>
    public const double RealignedMultiplyAdd = 0.16;

    /// <summary>
    /// One multiply-add of a channels-in-lanes convolution: a scalar broadcast and a weight vector shared by a tile of
    /// pixels (measured: the dense tutorial conv2, 3.6 M multiply-adds in 40 µs, 86 % of the FMA peak).
    /// </summary>
    public const double ChannelsMultiplyAdd = 0.09;

    /// <summary>Per tap and strip of a table-driven SIMD convolution: the weight and base loads, the loop, the one extra aligned load.</summary>
    public const double SimdTableTap = 0.5;

    /// <summary>Per tap and strip of an unrolled SIMD convolution: the broadcast of a literal.</summary>
    public const double SimdUnrolledTap = 0.2;

    /// <summary>
    /// Scalar unrolled multiply-add per nonzero and output, four partial sums: fc1 of the trained 90 % CNN, 16,646
    /// weights in 6.4 µs (0.39 ns; 0.46 ns with one running sum). Past the instruction cache such code is bound by
    /// fetching its ~25 bytes per weight (about 0.5 ns on a Xeon).
    /// </summary>
    public const double ScalarUnrolled = 0.4;

    /// <summary>Scalar sparse-table multiply-add per nonzero and output: an index load, a weight load and a dependent input load.</summary>
    public const double ScalarTable = 1.4;

    /// <summary>
    /// Compressed-row fully connected, per nonzero: a weight, a column and an input load feeding one of four
    /// independent partial sums; tables of 6 bytes a nonzero stay in L2 where the dense table does not (fc1 of the
    /// trained 90 % CNN: 16,646 nonzeros in 5.25 µs; the 90 % sweep CNN's fc1: 35,682 nonzeros at 0.47 ns each).
    /// </summary>
    public const double SparseRowsPerNonZero = 0.32;

    /// <summary>
    /// Compressed-row fully connected, per output row: the loop's start, the four sums' joining and the store (fc2 of the
    /// trained 90 % CNN: 119 nonzeros over 10 rows in 60 ns, 22 ns beyond its nonzeros).
    /// </summary>
    public const double SparseRowsPerRow = 2.0;

    /// <summary>
    /// Bytes per nanosecond streamed from caches beyond L1 for dense weight tables (fc1 of the 90 % sweep CNN, skipping
    /// its zero inputs: 6.4 µs for half of its 1.6 MB table at the assumed live share).
    /// </summary>
    public const double WeightBandwidth = 125;

    /// <summary>Unrolled SIMD code past this many multiply-add statements per layer outgrows the instruction cache.</summary>
    public const long MaxSimdUnrolledStatements = 24_000;

    /// <summary>
    /// Per output value of a channels-in-lanes convolution: the accumulator's trip through the scratch block and the
    /// scalar copy into its channel plane.
    /// </summary>
    public const double SimdChannelsScatter = 0.3;

    /// <summary>
    /// Per live 16-channel vector and pixel tile of a channels-in-lanes convolution that skips the zero vectors: the
    /// vector's input offset from its table, the address and the loop step (an estimate from the kernel's code).
    /// </summary>
    public const double ChannelBlocksEntry = 0.3;

    /// <summary>
    /// Per live weight vector (8 lanes) of the fully connected block kernel: the column load, the broadcast of the input it
    /// names, the vector load and the multiply-add into one of four partial sums (an estimate: two loads a cycle).
    /// </summary>
    public const double SparseBlocksPiece = 0.25;

    /// <summary>Per block of outputs of the fully connected block kernel, per 8-lane piece: the four sums' joining and the store.</summary>
    public const double SparseBlocksPerPiece = 2.0;

    /// <summary>
    /// A strategy that keeps zero weights (channels in lanes, dense SIMD) must be estimated this much faster than the
    /// zero-free one: the estimates are rough, and code without zero weights is what the generator promises wherever it
    /// costs little. (On the trained 90 % CNN, conv1 and fc1 measure within 10 % either way and stay zero-free.)
    /// </summary>
    public const double DenseStrategyMargin = 1.5;

    /// <summary>
    /// How much faster a strategy that keeps zero weights must be estimated: <see cref="DenseStrategyMargin"/> where
    /// <paramref name="weight"/> has zeros, none where it has none (there the zero-free code is no different).
    /// </summary>
    private static double ZeroKeepingMargin(Tensor weight) => weight.NonZeroCount < weight.Data.Length ? DenseStrategyMargin : 1;

    /// <summary>The margin of a block strategy: none where its live vectors hold no zero weight (weights pruned in whole blocks).</summary>
    private static double ZeroKeepingMargin(OutputBlocks blocks) => blocks.KeptZeros > 0 ? DenseStrategyMargin : 1;

    /// <param name="poolFusable">
    /// Whether a 2×2 max pool follows that the SIMD kernels compute in the same pass (channels in lanes then scatters a
    /// quarter of the outputs).
    /// </param>
    /// <param name="blocks">The weight's <see cref="OutputBlocks"/> when the caller has them (the planner computes them once per layer).</param>
    public static LayerStrategy ChooseConv(ConvOperation conv, int[] outputShape, PlannerOptions options, bool canUnroll, bool poolFusable = false, OutputBlocks? blocks = null)
    {
        long nonZeros = conv.Weight.NonZeroCount;
        var wideLength = (long)outputShape[1] * outputShape[2];
        var vectors = Math.Max(1, (wideLength + AssumedLanes - 1) / AssumedLanes);
        var unrolledStatements = nonZeros * Math.Min(vectors, MaxConvAccumulators);
        var pixelLanes = canUnroll && unrolledStatements <= MaxSimdUnrolledStatements && SimdConv(nonZeros, vectors, LayerStrategy.SimdUnrolled) <= SimdConv(nonZeros, vectors, LayerStrategy.SimdTable)
            ? LayerStrategy.SimdUnrolled
            : LayerStrategy.SimdTable;
        if (conv.Group != 1)
        {
            return pixelLanes;
        }

        var pixelLanesCost = SimdConv(nonZeros, vectors, pixelLanes);
        var channels = SimdChannels(conv, outputShape, poolFusable) * ZeroKeepingMargin(conv.Weight);
        blocks ??= OutputBlocks.Of(conv.Weight);
        var channelBlocks = SimdChannelBlocks(conv, blocks, outputShape, poolFusable) * ZeroKeepingMargin(blocks);
        if (channelBlocks < channels && channelBlocks < pixelLanesCost)
        {
            return LayerStrategy.SimdChannelBlocks;
        }

        return channels < pixelLanesCost ? LayerStrategy.SimdChannels : pixelLanes;
    }

    /// <summary>Channels in lanes over the live 16-channel vectors only, each with its offset load per pixel tile; then the scatter.</summary>
    public static double SimdChannelBlocks(ConvOperation conv, OutputBlocks blocks, int[] outputShape, bool poolFused = false)
    {
        int height = outputShape[1], width = outputShape[2];
        var pixels = Math.Min(width, 14);
        var tiles = (width + pixels - 1) / pixels;
        var pieces = blocks.LivePieces(AssumedLanes);
        var multiplyAdds = pieces * height * tiles * pixels;
        var entries = pieces * height * tiles;
        var written = (double)conv.OutputChannels * height * tiles * pixels / (poolFused ? 4 : 1);
        return (multiplyAdds * ChannelsMultiplyAdd) + (entries * ChannelBlocksEntry) + (written * SimdChannelsScatter);
    }

    /// <summary>
    /// The fully connected block kernel: every live weight vector in 8-lane pieces, then each piece's sums joined; at least
    /// the time to stream its tables (16 floats and a column a vector) from beyond L1, as the dense table.
    /// </summary>
    public static double SparseBlocks(DenseOperation dense, OutputBlocks blocks)
    {
        var piecesPerBlock = Math.Ceiling((double)Math.Min(OutputBlocks.Size, dense.OutputFeatures) / AssumedLanes);
        var compute = (blocks.LivePieces(AssumedLanes) * SparseBlocksPiece) + (blocks.Blocks * piecesPerBlock * SparseBlocksPerPiece);
        var stream = blocks.LiveVectors * ((OutputBlocks.Size * 4) + 4) / WeightBandwidth;
        return Math.Max(compute, stream);
    }

    /// <summary>Channels in lanes: every weight of the kernel positions in use, zeros included, per pixel tile; then the scatter.</summary>
    public static double SimdChannels(ConvOperation conv, int[] outputShape, bool poolFused = false)
    {
        int height = outputShape[1], width = outputShape[2];
        var inputs = conv.InputChannelsPerGroup;
        var positions = ConvWeights.PositionsInUse(conv).Count;

        var pixels = Math.Min(width, 14);
        var tiles = (width + pixels - 1) / pixels;
        var channelVectors = (conv.OutputChannels + AssumedLanes - 1) / AssumedLanes;
        var multiplyAdds = (double)channelVectors * height * tiles * pixels * inputs * positions;
        var written = (double)conv.OutputChannels * height * tiles * pixels / (poolFused ? 4 : 1);
        return (multiplyAdds * ChannelsMultiplyAdd) + (written * SimdChannelsScatter);
    }

    /// <summary>
    /// The share of a Relu'd input's entries that are not zero, for the dense kernel that skips the others (measured on
    /// the tutorial CNNs' fc1 inputs: 29–59 % over 1,000 Fashion-MNIST test images).
    /// </summary>
    public const double LiveInputsAfterRelu = 0.5;

    /// <param name="skipsZeroInputs">Whether the dense SIMD kernel would skip the inputs a Relu left at zero.</param>
    /// <param name="blocks">The weight's <see cref="OutputBlocks"/> when the caller has them.</param>
    public static LayerStrategy ChooseDense(DenseOperation dense, PlannerOptions options, bool canUnroll, bool skipsZeroInputs = false, OutputBlocks? blocks = null)
    {
        long nonZeros = dense.Weight.NonZeroCount;
        var denseSimd = DenseSimd(dense, skipsZeroInputs);
        // Unrolled code wins on short rows (small layers), where the compressed rows' loop and four sums cost more than
        // their weights; on long rows the compressed rows win, and their 6 bytes a weight leave the caches to the other
        // layers where unrolled code takes ~25 (the trained 90 % CNN's Predict: 27 µs unrolled, 22–23 µs in rows).
        var unrolled = nonZeros * ScalarUnrolled;
        var rows = SparseRows(nonZeros, dense.OutputFeatures);
        var sparseStrategy = canUnroll && unrolled <= rows ? LayerStrategy.Unrolled : LayerStrategy.SparseRows;
        var sparse = sparseStrategy == LayerStrategy.Unrolled ? unrolled : rows;
        if (sparse < NegligibleNanoseconds)
        {
            return sparseStrategy;
        }

        blocks ??= OutputBlocks.Of(dense.Weight);
        var sparseBlocks = SparseBlocks(dense, blocks) * ZeroKeepingMargin(blocks);
        var denseTable = denseSimd * ZeroKeepingMargin(dense.Weight);
        if (sparseBlocks < sparse && sparseBlocks < denseTable)
        {
            return LayerStrategy.SparseBlocks;
        }

        return denseTable < sparse ? LayerStrategy.DenseSimd : sparseStrategy;
    }

    /// <summary>
    /// A fully connected layer whose zero-free kernel is estimated under this keeps it: the dense table could not win
    /// anything a benchmark would see (MobileNet-ish's 32→10 layer: 30 ns unrolled).
    /// </summary>
    public const double NegligibleNanoseconds = 100;

    private static double SparseRows(long nonZeros, int outputs) => (nonZeros * SparseRowsPerNonZero) + (outputs * SparseRowsPerRow);

    /// <summary>The estimated nanoseconds of <paramref name="conv"/> with <paramref name="strategy"/>, one sample.</summary>
    public static double EstimateConv(ConvOperation conv, int[] outputShape, LayerStrategy strategy, bool poolFused, OutputBlocks? blocks = null)
    {
        long nonZeros = conv.Weight.NonZeroCount;
        var pixels = (long)outputShape[1] * outputShape[2];
        var vectors = Math.Max(1, (pixels + AssumedLanes - 1) / AssumedLanes);
        return strategy switch
        {
            LayerStrategy.SimdChannels => SimdChannels(conv, outputShape, poolFused),
            LayerStrategy.SimdChannelBlocks => SimdChannelBlocks(conv, blocks ?? OutputBlocks.Of(conv.Weight), outputShape, poolFused),
            LayerStrategy.SimdUnrolled or LayerStrategy.SimdTable => SimdConv(nonZeros, vectors, strategy),
            LayerStrategy.SparseTable => nonZeros * pixels * ScalarTable,
            _ => nonZeros * pixels * ScalarUnrolled,
        };
    }

    /// <summary>The estimated nanoseconds of <paramref name="dense"/> with <paramref name="strategy"/> over <paramref name="rows"/> rows, one sample.</summary>
    public static double EstimateDense(DenseOperation dense, LayerStrategy strategy, bool skipsZeroInputs, int rows, OutputBlocks? blocks = null)
    {
        long nonZeros = dense.Weight.NonZeroCount;
        return rows * strategy switch
        {
            LayerStrategy.DenseSimd => DenseSimd(dense, skipsZeroInputs),
            LayerStrategy.SparseBlocks => SparseBlocks(dense, blocks ?? OutputBlocks.Of(dense.Weight)),
            LayerStrategy.SparseRows or LayerStrategy.SparseTable => SparseRows(nonZeros, dense.OutputFeatures),
            _ => nonZeros * ScalarUnrolled,
        };
    }

    /// <summary>
    /// With intra-op threads a layer is cut into parts only from this estimated time on: handing parts to another
    /// thread and waiting for them costs about a microsecond a layer (measured here, 2 vCPUs: ResNet and MobileNet,
    /// every layer in parts, ran 1.3× slower with two threads than with one; the dense CNN, whose conv2 takes 36 µs, 1.6× faster).
    /// </summary>
    public const double MinParallelLayerNanoseconds = 5_000;

    /// <param name="strategy"><see cref="LayerStrategy.SimdUnrolled"/> or <see cref="LayerStrategy.SimdTable"/>.</param>
    private static double SimdConv(long nonZeros, long vectors, LayerStrategy strategy)
    {
        var strips = (vectors + MaxConvAccumulators - 1) / MaxConvAccumulators;
        var (perMultiplyAdd, perTap) = strategy == LayerStrategy.SimdTable ? (RealignedMultiplyAdd, SimdTableTap) : (PixelLanesMultiplyAdd, SimdUnrolledTap);
        return nonZeros * strips * ((Math.Min(vectors, MaxConvAccumulators) * perMultiplyAdd) + perTap);
    }

    /// <summary>
    /// The dense SIMD kernel's scan for the nonzero inputs it keeps, per input: a compare and a store of the index,
    /// branch-free (an estimate from the kernel's code, about a cycle; it decides small layers, where the table is in L1).
    /// </summary>
    public const double ZeroInputScan = 0.25;

    private static double DenseSimd(DenseOperation dense, bool skipsZeroInputs)
    {
        var paddedOutputs = (dense.OutputFeatures + AssumedLanes - 1) / AssumedLanes * AssumedLanes;
        var table = DenseSimd(dense.InputFeatures, paddedOutputs);
        return skipsZeroInputs ? (table * LiveInputsAfterRelu) + (dense.InputFeatures * ZeroInputScan) : table;
    }

    private static double DenseSimd(int inputs, int paddedOutputs) =>
        Math.Max((double)inputs * paddedOutputs / AssumedLanes * SimdMultiplyAdd, (double)inputs * paddedOutputs * 4 / WeightBandwidth);
}
