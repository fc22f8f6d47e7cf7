using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// Convolutions with output channels in SIMD lanes, for layers too dense for the pixel-lanes kernels
/// (<see cref="SimdConvKernelEmitter"/>). Each step of the inner loop loads one vector of weights (a
/// tap for <c>lanes.Count</c> output channels, contiguous and aligned to a 16-channel block in the
/// table) and multiplies it into a tile of P output pixels of one row, each pixel's input a scalar
/// broadcast from the zero-bordered planes: P multiply-adds for one vector load and P scalar loads,
/// which never split a cache line, where the pixel-lanes kernel pays a vector load per multiply-add.
/// The tile's P vectors (pixels × channels) go to the channel planes of the output through a small
/// scratch block. Kernel positions whose weights are zero in every channel are left out. As
/// <see cref="LayerStrategy.SimdChannelBlocks"/> the table holds only the 16-channel vectors with a nonzero weight,
/// each block's list with the input offset of every vector, so weights pruned in blocks of channels cost nothing.
/// </summary>
internal static class SimdChannelsConvKernelEmitter
{
    private const int Block = SimdChannelsLayout.Block;

    public static void Emit(LayerContext layer, ConvOperation conv)
    {
        var g = SimdChannelsLayout.Geometry(conv, layer.ShapeOf(conv.Input), layer.ShapeOf(conv.Output));
        var pool = layer.Plan.FusedPoolOf(conv);
        var shape = SimdChannelsShape.Of(conv, g, pooled: pool is not null);
        var channelStride = g.Phases * g.PhaseHeight * g.PhaseWidth;
        // As channel blocks, the lanes hold the channels of OutputBlocks' partition (slots); otherwise channel m is lane m.
        var outputBlocks = layer.Plan.StrategyOf(conv) == LayerStrategy.SimdChannelBlocks ? layer.Plan.BlocksOf(conv) : null;
        var (table, offsets, starts) = outputBlocks is not null
            ? LiveVectors(conv, outputBlocks, g, channelStride)
            : (AllVectors(conv, shape.Windows), (int[]?)null, (int[]?)null);
        var kernel = new Kernel(
            conv,
            pool,
            g,
            shape,
            channelStride,
            shape.Windows.Select(k => g.SimdOffset(new ConvTap(0f, 0, 0, k, 0, 0, 0, 0, 0))).ToList(),
            outputBlocks?.Slots,
            HasWeights: table.Length > 0,
            LiveVectorsOnly: offsets is not null,
            // Stored channels last, a tile's vectors go straight to the output: only a pooled tile's top row waits in scratch.
            ChannelsLast: layer.Plan.StoresChannelsLast(conv),
            Relu: conv.Activation.Kind == ActivationKind.Relu);
        DeclareTables(layer, kernel, table, offsets, starts);

        var planes = layer.Scratch.Planes!.Value;
        // Fed by the convolution before, the kernel never reads its input value itself: no copy, no x.
        var copiesInput = !layer.Plan.Handoffs.IsFed(conv);
        var methods = layer.LaneMethods((copiesInput ? new[] { layer.SpanLocal("x", conv.Input) } : Array.Empty<string>()).Concat(new[]
        {
            layer.SpanLocal("y", pool?.Output ?? conv.Output),
            "ref float input = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(arena), " + Literals.Int(planes) + ");",
        }).ToList());

        if (copiesInput)
        {
            methods.Add(SimdConvKernelEmitter.PadInputPiece(g, planes, ""));
        }

        // With intra-op threads each 16-channel block is a part, and the blocks run side by side.
        var scratch = layer.Scratch.Own is null ? null : layer.OwnScratch;
        methods.AddRangedTasks(layer.Plan.PartsOf(conv), CodePiece.Write(writer =>
        {
            WriteLayoutComment(writer, kernel, copiesInput);
            using var scope = writer.Block();
            WriteLocals(writer, layer, kernel, scratch);
            using (writer.Block("for (int m = from; m < to; m += lanes.Count)"))
            {
                WriteBlockStart(writer, kernel);
                if (pool is null)
                {
                    WriteRows(writer, kernel);
                }
                else
                {
                    WritePooledRows(writer, kernel);
                }
            }
        }));

        if (conv.Activation.Kind is not (ActivationKind.None or ActivationKind.Relu))
        {
            methods.Add(ElementwiseKernelEmitter.ActivateInPlace(layer.Kernels, conv.Activation, "y", layer.LengthOf(conv.Output), inLanes: true));
        }

        methods.Finish();
    }

    /// <summary>The weight, offset, start, channel and bias tables of the layer.</summary>
    private static void DeclareTables(LayerContext layer, Kernel kernel, float[] table, int[]? offsets, int[]? starts)
    {
        var kernels = layer.Kernels;
        var conv = kernel.Conv;
        var slots = kernel.Slots;
        var bias = new float[(kernel.LanesTotal + Block - 1) / Block * Block];
        for (var lane = 0; lane < kernel.LanesTotal && conv.Bias is not null; lane++)
        {
            var channel = slots is null ? lane : slots[lane];
            bias[lane] = channel >= 0 ? conv.Bias[channel] : 0f;
        }

        if (table.Length > 0 && offsets is not null)
        {
            kernels.AlignedFloatTable(layer.TableName("Weights"), table);
            kernels.IntTable(layer.TableName("Offsets"), offsets);
            kernels.IntTable(layer.TableName("Starts"), starts!);
        }
        else if (table.Length > 0)
        {
            kernels.FloatTable(layer.TableName("Weights"), table);
        }

        if (slots is not null && !kernel.ChannelsLast)
        {
            kernels.IntTable(layer.TableName("Channels"), slots.ToArray());
        }

        kernels.FloatTable(layer.TableName("Bias"), bias);
    }

    private static void WriteLayoutComment(SourceWriter writer, Kernel kernel, bool copiesInput)
    {
        var layout = !kernel.LiveVectorsOnly
            ? "weights[((block · " + Literals.Int(kernel.Inputs) + " + c) · " + Literals.Int(kernel.Positions) + " + kernel position) · 16 + channel in block]"
            : "the live vectors of block b are weights[(starts[b] .. starts[b + 1]) · 16 + lane], each reading the input at offsets[vector]; lane l of block b is channel channels[16 · b + l]";
        writer.Line("// " + layout + "; tiles of "
            + Literals.Int(kernel.Shape.Pixels) + " pixels of a row, " + Literals.Int(kernel.Shape.Tiles) + " a row" + (kernel.Pool is null ? "" : "; rows in pairs for the 2×2 max pool")
            + (copiesInput ? "" : "; the input planes filled by the convolution before, pooled rows written in place"));
    }

    private static void WriteLocals(SourceWriter writer, LayerContext layer, Kernel kernel, string? scratch)
    {
        writer.Statement("TLanes lanes = default;");
        if (kernel.HasWeights)
        {
            writer.Statement("ref float weights = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(" + layer.TableName("Weights") + ");");
            if (kernel.LiveVectorsOnly)
            {
                writer.Statement("ref int offsets = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(" + layer.TableName("Offsets") + ");");
                writer.Statement("ref int starts = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(" + layer.TableName("Starts") + ");");
            }
        }

        writer.Statement("ref float bias = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(" + layer.TableName("Bias") + ");");
        if (scratch is not null)
        {
            writer.Statement("ref float scratch = ref " + scratch + ";");
        }

        writer.Statement("ref float output = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(y);");
        if (kernel.Slots is not null && !kernel.ChannelsLast)
        {
            writer.Statement("ref int channelOf = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(" + layer.TableName("Channels") + ");");
        }
    }

    /// <summary>The start of a block of output channels m …: its bias vector, and where its weights start.</summary>
    private static void WriteBlockStart(SourceWriter writer, Kernel kernel)
    {
        writer.Statement("V b = lanes.Load(ref bias, m);");
        if (!kernel.ChannelsLast)
        {
            writer.Statement("int channels = global::System.Math.Min(lanes.Count, to - m);");
        }

        if (kernel.HasWeights && !kernel.LiveVectorsOnly)
        {
            writer.Statement("int block = (m >> 4) * " + Literals.Int(kernel.Inputs * kernel.Positions * Block) + " + (m & 15);");
        }
        else if (kernel.HasWeights)
        {
            writer.Statement("int first = global::System.Runtime.CompilerServices.Unsafe.Add(ref starts, m >> 4);");
            writer.Statement("int vectors = global::System.Runtime.CompilerServices.Unsafe.Add(ref starts, (m >> 4) + 1) - first;");
            writer.Statement("ref float blockWeights = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref weights, first * " + Literals.Int(Block) + " + (m & 15));");
            writer.Statement("ref int blockOffsets = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref offsets, first);");
        }
    }

    /// <summary>Every output row in tiles, each tile stored channels last or scattered into the channel planes.</summary>
    private static void WriteRows(SourceWriter writer, Kernel kernel)
    {
        var g = kernel.Geometry;
        using (writer.Block("for (int oy = 0; oy < " + Literals.Int(g.OutputHeight) + "; oy++)"))
        using (writer.Block("for (int tile = 0; tile < " + Literals.Int(kernel.Shape.Tiles) + "; tile++)"))
        {
            WriteTileStart(writer, g, kernel.Shape);
            WriteTile(writer, kernel);
            if (kernel.ChannelsLast)
            {
                writer.Line("// pixel oy · " + Literals.Int(g.OutputWidth) + " + ox + i, channels m … at y[pixel · " + Literals.Int(kernel.LanesTotal) + " + m]");
                writer.Statement("int pixel = oy * " + Literals.Int(g.OutputWidth) + " + ox;");
                writer.Statements(Accumulators(kernel.Shape).Select((a, i) => "lanes.Store(" + kernel.Activated(a) + ", ref output, " + ChannelsLastIndex(i, kernel.LanesTotal) + ");").ToArray());
            }
            else
            {
                writer.Statements(Accumulators(kernel.Shape).Select((a, i) => "lanes.Store(" + kernel.Activated(a) + ", ref scratch, " + Vector(i) + ");").ToArray());
                WriteScatter(writer, kernel.Shape.Pixels, g.OutputPlane, "oy * " + Literals.Int(g.OutputWidth) + " + ox", kernel.Slots is not null);
            }
        }
    }

    /// <summary>Every pair of output rows in tiles, pooled 2×2: with 32 vector registers both rows at once where only live vectors are kept, else row by row.</summary>
    private static void WritePooledRows(SourceWriter writer, Kernel kernel)
    {
        var g = kernel.Geometry;
        var pooledWidth = g.OutputWidth / 2;
        var pooledPlane = (g.OutputHeight / 2) * pooledWidth;
        using (writer.Block("for (int py = 0; py < " + Literals.Int(g.OutputHeight / 2) + "; py++)"))
        using (writer.Block("for (int tile = 0; tile < " + Literals.Int(kernel.Shape.Tiles) + "; tile++)"))
        {
            WriteTileStart(writer, g, kernel.Shape);
            var pooledPixel = "py * " + Literals.Int(pooledWidth) + " + (ox >> 1)";
            if (kernel.LiveVectorsOnly && kernel.HasWeights)
            {
                using (writer.Block("if (lanes.HasThirtyTwoRegisters)"))
                {
                    WritePooledRowPairTile(writer, kernel.Shape, g.PhaseWidth, kernel.Relu, kernel.ChannelsLast ? (pooledPixel, kernel.LanesTotal) : null);
                }

                using (writer.Block("else"))
                {
                    WritePooledRowByRow(writer, kernel, pooledPixel);
                }
            }
            else
            {
                WritePooledRowByRow(writer, kernel, pooledPixel);
            }

            if (!kernel.ChannelsLast)
            {
                WriteScatter(writer, kernel.Shape.Pixels / 2, pooledPlane, pooledPixel, kernel.Slots is not null);
            }
        }
    }

    /// <summary>A pooled tile one row at a time: the top row's window maxima wait in scratch for the bottom row's.</summary>
    private static void WritePooledRowByRow(SourceWriter writer, Kernel kernel, string pooledPixel)
    {
        var pairs = kernel.Shape.Pixels / 2;
        var channelsLast = kernel.ChannelsLast;
        using (writer.Block("for (int oy = 2 * py; oy < 2 * py + 2; oy++)"))
        {
            WriteTile(writer, kernel);
            var activated = Accumulators(kernel.Shape).Select(kernel.Activated).ToList();
            writer.Line("// The window's top row keeps max(top-left, top-right); the bottom row adds bottom-left, then bottom-right: the reference's order.");
            using (writer.Block("if (oy == 2 * py)"))
            {
                writer.Statements(Enumerable.Range(0, pairs).Select(j =>
                    "lanes.Store(lanes.MaxOf(" + activated[2 * j] + ", " + activated[(2 * j) + 1] + "), ref scratch, " + Vector(channelsLast ? j : pairs + j) + ");").ToArray());
            }

            using (writer.Block("else"))
            {
                if (channelsLast)
                {
                    writer.Statement("int pixel = " + pooledPixel + ";");
                }

                writer.Statements(Enumerable.Range(0, pairs).Select(j =>
                    "lanes.Store(lanes.MaxOf(lanes.MaxOf(lanes.Load(ref scratch, " + Vector(channelsLast ? j : pairs + j) + "), " + activated[2 * j] + "), " + activated[(2 * j) + 1] + "), "
                    + (channelsLast ? "ref output, " + ChannelsLastIndex(j, kernel.LanesTotal) : "ref scratch, " + Vector(j)) + ");").ToArray());
            }
        }
    }

    /// <summary>Every weight of the kernel positions in use, zeros included: <c>[((block · C + c) · positions + position) · 16 + channel]</c>.</summary>
    private static float[] AllVectors(ConvOperation conv, IReadOnlyList<int> windows)
    {
        var blocks = (conv.OutputChannels + Block - 1) / Block;
        var inputs = conv.InputChannelsPerGroup;
        var kernelArea = conv.KernelHeight * conv.KernelWidth;
        var table = new float[(long)blocks * inputs * windows.Count * Block];
        for (var m = 0; m < conv.OutputChannels; m++)
        {
            for (var c = 0; c < inputs; c++)
            {
                for (var w = 0; w < windows.Count; w++)
                {
                    table[((((long)(m / Block) * inputs) + c) * windows.Count + w) * Block + (m % Block)] = conv.Weight.Data[(((long)m * inputs) + c) * kernelArea + windows[w]];
                }
            }
        }

        return table;
    }

    /// <summary>
    /// Only the 16-lane vectors with a nonzero weight (<see cref="OutputBlocks.LiveVectorsByBlock"/>): the weights, each
    /// vector's input offset in the padded planes, and where each block's vectors start (one more than blocks).
    /// </summary>
    private static (float[] Weights, int[] Offsets, int[] Starts) LiveVectors(ConvOperation conv, OutputBlocks blocks, ConvGeometry g, int channelStride)
    {
        var kernelArea = conv.KernelHeight * conv.KernelWidth;
        var (vectors, starts) = blocks.LiveVectorsByBlock();
        var offsets = vectors.Select(v => ((v.Index / kernelArea) * channelStride) + g.SimdOffset(new ConvTap(0f, 0, 0, v.Index % kernelArea, 0, 0, 0, 0, 0))).ToArray();
        return (vectors.SelectMany(v => v.Weights).ToArray(), offsets, starts.ToArray());
    }

    private static void WriteTileStart(SourceWriter writer, ConvGeometry g, SimdChannelsShape shape) =>
        writer.Statement("int ox = " + (shape.Tiles == 1 ? "0" : "tile == " + Literals.Int(shape.Tiles - 1) + " ? " + Literals.Int(shape.Covered - shape.Pixels) + " : tile * " + Literals.Int(shape.Pixels)) + ";");

    /// <summary>The accumulators of one tile at output row <c>oy</c>, columns <c>ox</c> …: bias, then every input channel's kernel positions.</summary>
    private static void WriteTile(SourceWriter writer, Kernel kernel)
    {
        var accumulators = Accumulators(kernel.Shape).ToList();
        var phaseWidth = kernel.Geometry.PhaseWidth;
        writer.Statement("V " + string.Join(", ", accumulators.Select(a => a + " = b")) + ";");
        if (!kernel.HasWeights)
        {
            return;
        }

        if (kernel.LiveVectorsOnly)
        {
            writer.Statement("int s = oy * " + Literals.Int(phaseWidth) + " + ox;");
            WriteLiveVectorLoop(writer, accumulators.Select((a, i) => (a, i)));
            return;
        }

        writer.Statement("int s = oy * " + Literals.Int(phaseWidth) + " + ox, w = block;");
        using (writer.Block("for (int c = 0; c < " + Literals.Int(kernel.Inputs) + "; c++, s += " + Literals.Int(kernel.ChannelStride) + ", w += " + Literals.Int(kernel.Positions * Block) + ")"))
        {
            writer.Statement("V k;");
            for (var position = 0; position < kernel.Positions; position++)
            {
                var statements = new List<string> { "k = lanes.Load(ref weights, w" + (position == 0 ? "" : " + " + Literals.Int(position * Block)) + ");" };
                statements.AddRange(accumulators.Select((a, i) =>
                    a + " = lanes.MultiplyAdd(lanes.Splat(global::System.Runtime.CompilerServices.Unsafe.Add(ref input, s + " + Literals.Int(kernel.WindowOffsets[position] + i) + ")), k, " + a + ");"));
                writer.Statements(statements.ToArray());
            }
        }
    }

    /// <summary>
    /// The loop over a block's live vectors: each loads its 16 weights and multiplies them into every accumulator, with the
    /// input at the vector's offset from <c>s</c> plus the accumulator's own offset, broadcast.
    /// </summary>
    private static void WriteLiveVectorLoop(SourceWriter writer, IEnumerable<(string Accumulator, int Offset)> terms)
    {
        using (writer.Block("for (int e = 0; e < vectors; e++)"))
        {
            writer.Statement("V k = lanes.Load(ref blockWeights, e * " + Literals.Int(Block) + ");");
            writer.Statement("ref float at = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref input, s + global::System.Runtime.CompilerServices.Unsafe.Add(ref blockOffsets, e));");
            writer.Statements(terms.Select(t =>
                t.Accumulator + " = lanes.MultiplyAdd(lanes.Splat(" + (t.Offset == 0 ? "at" : "global::System.Runtime.CompilerServices.Unsafe.Add(ref at, " + Literals.Int(t.Offset) + ")") + "), k, " + t.Accumulator + ");").ToArray());
        }
    }

    /// <summary>
    /// Both rows of the pool windows in one tile (2P accumulators, a… the top row and c… the bottom one), for lanes with 32
    /// vector registers: each weight vector loaded serves 2P multiply-adds, and the windows' maxima are taken in registers in
    /// the reference's order. The pooled vectors go to scratch (as the row-by-row tile leaves them) or, with
    /// <paramref name="channelsLast"/> (the first pixel's expression, the output's channels), to the output.
    /// </summary>
    private static void WritePooledRowPairTile(SourceWriter writer, SimdChannelsShape shape, int phaseWidth, bool relu, (string Pixel, int Channels)? channelsLast)
    {
        var top = Accumulators(shape).ToList();
        var bottom = Enumerable.Range(0, shape.Pixels).Select(i => "c" + Literals.Int(i)).ToList();
        writer.Statement("V " + string.Join(", ", top.Concat(bottom).Select(a => a + " = b")) + ";");
        writer.Statement("int s = 2 * py * " + Literals.Int(phaseWidth) + " + ox;");
        WriteLiveVectorLoop(writer, top.Select((a, i) => (a, i)).Concat(bottom.Select((a, i) => (a, phaseWidth + i))));

        string Activated(string a) => relu ? "lanes.Relu(" + a + ")" : a;
        writer.Line("// max(top-left, top-right), then bottom-left, then bottom-right: the reference's order.");
        if (channelsLast is { } layout)
        {
            writer.Statement("int pixel = " + layout.Pixel + ";");
        }

        writer.Statements(Enumerable.Range(0, shape.Pixels / 2).Select(j =>
            "lanes.Store(lanes.MaxOf(lanes.MaxOf(lanes.MaxOf(" + Activated(top[2 * j]) + ", " + Activated(top[(2 * j) + 1]) + "), " + Activated(bottom[2 * j]) + "), " + Activated(bottom[(2 * j) + 1]) + "), "
            + (channelsLast is { } to ? "ref output, " + ChannelsLastIndex(j, to.Channels) : "ref scratch, " + Vector(j)) + ");").ToArray());
    }

    /// <summary>Copies <paramref name="vectors"/> vectors of scratch (pixel-major, a vector of channels each) into the channel planes of y.</summary>
    private static void WriteScatter(SourceWriter writer, int vectors, int plane, string pixel, bool throughChannelTable)
    {
        if (throughChannelTable)
        {
            writer.Line("// scratch[pixel · lanes + lane] → y[channels[m + lane] · " + Literals.Int(plane) + " + pixel]; an empty lane (−1) is skipped");
            writer.Statement("int pixelStart = " + pixel + ";");
            using (writer.Block("for (int channel = 0; channel < channels; channel++)"))
            {
                writer.Statement("int target = global::System.Runtime.CompilerServices.Unsafe.Add(ref channelOf, m + channel);");
                using (writer.Block("if (target >= 0)"))
                {
                    writer.Statement("int o = target * " + Literals.Int(plane) + " + pixelStart;");
                    WriteCopies();
                }
            }

            return;
        }

        writer.Line("// scratch[pixel · lanes + channel] → y[(m + channel) · " + Literals.Int(plane) + " + pixel]");
        using (writer.Block("for (int channel = 0, o = m * " + Literals.Int(plane) + " + " + pixel + "; channel < channels; channel++, o += " + Literals.Int(plane) + ")"))
        {
            WriteCopies();
        }

        void WriteCopies()
        {
            writer.Statements(Enumerable.Range(0, vectors).Select(i =>
                "global::System.Runtime.CompilerServices.Unsafe.Add(ref output, o" + (i == 0 ? "" : " + " + Literals.Int(i)) + ") = global::System.Runtime.CompilerServices.Unsafe.Add(ref scratch, "
                + (i == 0 ? "" : Vector(i) + " + ") + "channel);").ToArray());
        }
    }

    /// <summary>Where pixel <c>pixel + i</c>'s vector of channels m … goes in an output stored channels last.</summary>
    private static string ChannelsLastIndex(int i, int channels) =>
        (i == 0 ? "pixel" : "(pixel + " + Literals.Int(i) + ")") + " * " + Literals.Int(channels) + " + m";

    private static IEnumerable<string> Accumulators(SimdChannelsShape shape) => Enumerable.Range(0, shape.Pixels).Select(i => "a" + Literals.Int(i));

    private static string Vector(int i) => i == 0 ? "0" : i == 1 ? "lanes.Count" : Literals.Int(i) + " * lanes.Count";

    /// <summary>What the writing methods share about one layer.</summary>
    /// <param name="WindowOffsets">The input offset of each kernel position in use, from the tile's first pixel.</param>
    /// <param name="Slots">As channel blocks, the channel of every lane (−1: empty); null where lane m is channel m.</param>
    /// <param name="HasWeights">Whether any weight is nonzero (else the output is the bias).</param>
    /// <param name="LiveVectorsOnly">Whether the table holds only the live 16-channel vectors, with their offsets.</param>
    private sealed record Kernel(
        ConvOperation Conv,
        PoolOperation? Pool,
        ConvGeometry Geometry,
        SimdChannelsShape Shape,
        int ChannelStride,
        IReadOnlyList<int> WindowOffsets,
        IReadOnlyList<int>? Slots,
        bool HasWeights,
        bool LiveVectorsOnly,
        bool ChannelsLast,
        bool Relu)
    {
        public int Inputs => Conv.InputChannelsPerGroup;

        public int Positions => Shape.Windows.Count;

        public int LanesTotal => Slots?.Count ?? Conv.OutputChannels;

        public string Activated(string accumulator) => Relu ? "lanes.Relu(" + accumulator + ")" : accumulator;
    }
}
