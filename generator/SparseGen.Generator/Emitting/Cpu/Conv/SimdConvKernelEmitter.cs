using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// Convolutions with output pixels in SIMD lanes. The input is first copied into zero-bordered phase
/// planes (<see cref="ConvGeometry.SimdPlanes"/>), so that every tap reads one contiguous run: output
/// (oy, ox) of a "wide" plane with rows of <see cref="ConvGeometry.PhaseWidth"/> reads the planes at
/// offset(tap) + oy·PhaseWidth + ox. Each output channel keeps a strip of K vectors of wide pixels in
/// registers and adds every nonzero tap to it: one broadcast weight and K multiply-adds. The extra
/// columns of the wide plane and the lanes past its end are computed and dropped; the valid columns go
/// to the output with the bias and a fused Relu.
/// </summary>
internal static class SimdConvKernelEmitter
{
    private const int MaxAccumulators = SimdConvLayout.MaxAccumulators;

    private const int WidestLanes = SimdConvLayout.WidestLanes;

    private const int PooledReadSlack = SimdConvLayout.PooledReadSlack;

    public static void Emit(LayerContext layer, ConvOperation conv, LayerStrategy strategy)
    {
        var pool = layer.Plan.FusedPoolOf(conv);
        var g = SimdConvLayout.Geometry(conv, layer.ShapeOf(conv.Input), layer.ShapeOf(conv.Output), pool);
        var shape = SimdConvShape.Of(g);
        var kernels = layer.Kernels;
        var readsInPlace = SimdConvLayout.ReadsInPlace(g, conv);
        var planes = layer.Scratch.Planes ?? layer.OffsetOf(conv.Input);
        var pooledTiles = strategy == LayerStrategy.SimdTable && pool is not null && SimdConvLayout.PoolsInRegisters(g);
        var taps = Enumerable.Range(0, conv.OutputChannels).Select(m => g.TapsOf(m).ToList()).ToList();

        var relu = conv.Activation.Kind == ActivationKind.Relu;
        var reader = layer.Plan.Handoffs.ReaderOf(conv);
        var copiesInput = !readsInPlace && !layer.Plan.Handoffs.IsFed(conv);
        var locals = new List<string>();
        if (copiesInput)
        {
            locals.Add(layer.SpanLocal("x", conv.Input));
        }

        if (reader is null)
        {
            // Otherwise the output goes into the reader's planes.
            locals.Add(layer.SpanLocal("y", pool?.Output ?? conv.Output));
        }

        locals.Add("ref float input = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(arena), " + Literals.Int(planes) + ");");
        if (!pooledTiles)
        {
            // The wide plane the strips go through on their way to the output.
            locals.Add("TLanes lanes = default;");
            locals.Add("int strip = " + Literals.Int(shape.Accumulators) + " * lanes.Count;");
            locals.Add("ref float wide = ref " + layer.OwnScratch + ";");
        }

        var methods = layer.LaneMethods(locals);
        var phases = taps.SelectMany(t => t).Select(g.PhaseOf).Aggregate(0, (mask, phase) => mask | (1 << phase));
        if (copiesInput)
        {
            methods.Add(PadInputPiece(g, planes, pooledTiles ? "" : "; wide rows of " + Literals.Int(g.PhaseWidth) + ", strips of " + Literals.Int(shape.Accumulators) + " vectors", phases));
        }

        if (strategy == LayerStrategy.SimdTable)
        {
            var tables = Tables(layer, conv, g, taps);
            var target = reader is null ? null : PooledTarget.Planes(layer, reader);
            methods.AddRangedTasks(layer.Plan.PartsOf(conv), pooledTiles ? PooledTable(layer, g, tables, relu, target) : Table(layer, conv, g, shape, tables, relu, pool is not null));
        }
        else
        {
            var tapsPerPiece = Math.Max(1, (kernels.Options.MaxSimdStatementsPerMethod - 16) / (shape.Accumulators + 1) / 2);
            foreach (var (from, to) in layer.Plan.PartsOf(conv))
            {
                methods.AddTask(Enumerable.Range(from, to - from).SelectMany(m => Unrolled(conv, g, shape, m, taps[m], tapsPerPiece, relu, pool is not null, lastOfTask: m == to - 1)));
            }
        }

        if (conv.Activation.Kind is not (ActivationKind.None or ActivationKind.Relu))
        {
            methods.Add(ElementwiseKernelEmitter.ActivateInPlace(kernels, conv.Activation, "y", layer.LengthOf(conv.Output), inLanes: true));
        }

        methods.Finish();
    }

    /// <summary>
    /// The taps' tables, each output channel's taps grouped by where their run starts within a 64-byte line (its residue:
    /// offset mod 16 floats): <c>Weights</c> and <c>Bases</c> (offset − residue, a multiple of 16) per tap;
    /// <c>Starts</c>, where the taps of channel m and residue class c begin, at m · classes + c.
    /// </summary>
    private sealed record TapTables(bool HasBias, bool HasWeights, IReadOnlyList<int> Residues);

    private static TapTables Tables(LayerContext layer, ConvOperation conv, ConvGeometry g, List<List<ConvTap>> taps)
    {
        var placed = taps.Select(channel => channel.Select(tap => (tap.Weight, Offset: g.SimdOffset(tap))).ToList()).ToList();
        var residues = placed.SelectMany(channel => channel).Select(tap => Residue(tap.Offset)).Distinct().OrderBy(r => r).ToList();
        var weights = new List<float>();
        var bases = new List<int>();
        var starts = new List<int> { 0 };
        foreach (var channel in placed)
        {
            var byResidue = channel.ToLookup(tap => Residue(tap.Offset));
            foreach (var residue in residues)
            {
                foreach (var (weight, offset) in byResidue[residue])
                {
                    weights.Add(weight);
                    bases.Add(offset - residue);
                }

                starts.Add(weights.Count);
            }
        }

        var hasBias = conv.Bias is not null && Array.Exists(conv.Bias, b => b != 0f);
        if (hasBias)
        {
            layer.Kernels.FloatTable(layer.TableName("Bias"), conv.Bias!);
        }

        if (weights.Count > 0)
        {
            layer.Kernels.FloatTable(layer.TableName("Weights"), weights);
            layer.Kernels.IntTable(layer.TableName("Bases"), bases);
        }

        layer.Kernels.IntTable(layer.TableName("Starts"), starts);
        return new TapTables(hasBias, weights.Count > 0, residues);
    }

    /// <summary>Where a run at <paramref name="offset"/> starts within its 64-byte line, in floats.</summary>
    private static int Residue(int offset) => offset % Planning.BufferPlan.Alignment;

    /// <summary>
    /// Table-driven taps, one loop per residue class. A run that starts on a line boundary is K aligned loads; any other
    /// is read as the K + 1 aligned vectors that cover it, each shifted into place against the next in registers
    /// (<c>Realign</c>, one instruction where the CPU has it): a vector load that splits a cache line costs about two
    /// aligned ones (the trained 90 % CNN's conv2 taps: 7.9 µs with two runs in three split, 5.4 µs realigned, 5.0 µs
    /// with every run aligned). The residue is a constant of each loop, so the shift is an immediate.
    /// </summary>
    private static CodePiece Table(LayerContext layer, ConvOperation conv, ConvGeometry g, SimdConvShape shape, TapTables tables, bool relu, bool pooled)
    {
        var hasBias = tables.HasBias;
        var classes = tables.Residues.Count;
        return CodePiece.Write(writer =>
        {
            WriteTableComment(writer, layer, classes);
            using (writer.Block())
            {
                WriteTableLocals(writer, layer, tables);
                using (writer.Block(ConvKernelEmitter.Loop("m", "from", "to")))
                {
                    writer.Statement("V b = lanes.Splat(" + (hasBias ? "bias[m]" : "0f") + ");");
                    using (writer.Block("for (int p = 0; p < " + Literals.Int(shape.WideLength) + "; p += strip)"))
                    {
                        writer.Statement("V " + string.Join(", ", Accumulators(shape).Select(a => a + " = b")) + ";");
                        if (tables.HasWeights)
                        {
                            writer.Statement("ref float s = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref input, p);");
                            for (var c = 0; c < classes; c++)
                            {
                                WriteResidueLoop(writer, shape, tables.Residues[c], "m * " + Literals.Int(classes) + (c == 0 ? "" : " + " + Literals.Int(c)));
                            }
                        }

                        writer.Statements(Accumulators(shape).Select((a, k) => "lanes.Store(" + a + ", ref wide, " + IndexExpression.Plus("p", 0) + (k == 0 ? "" : " + " + Lane(k)) + ");").ToArray());
                    }

                    // The range's last channel keeps its vectors inside its own plane: the part after it may have written the next one already.
                    var plane = pooled ? PooledPlane(g) : g.OutputPlane;
                    var limit = "m == to - 1 ? to * " + Literals.Int(plane) + " : y.Length";
                    writer.Statement(pooled ? StorePooledRows(g, shape, "m * " + Literals.Int(plane), relu, limit) : StoreRows(g, "m * " + Literals.Int(plane), relu, limit));
                }
            }
        });
    }

    /// <summary>
    /// Table-driven taps with the fused 2×2 max pool taken in registers: a tile is P pairs of rows, two vectors of each row
    /// from wide column c on (a segment), the windows of pooled columns c/2 …; each pair pools into one vector that goes
    /// straight to the pool's output, or to <paramref name="planes"/>, the zero-bordered planes of the convolution that
    /// reads it. No wide plane and no second pass over it: conv1 of the block-pruned Fashion-MNIST CNN 0.99 → 0.54 µs,
    /// and its reader's copy of 0.25 µs gone. A segment's lanes past the pooled row (from wide columns past the output's)
    /// spill onto the next row, so a row's segments are taken last first and what a spill covers is written again with
    /// the next row's first segment; into planes the spilled lanes are zeroed, and the last row's land on the bottom border.
    /// </summary>
    private static CodePiece PooledTable(LayerContext layer, ConvGeometry g, TapTables tables, bool relu, PooledTarget? planes)
    {
        var pairs = g.OutputHeight / 2;
        var pooledWidth = g.OutputWidth / 2;
        var perTile = PairsPerTile(pairs, MaxAccumulators);
        var perWideTile = PairsPerTile(pairs, WideTileAccumulators);
        var pooled = new PooledTiles(g, tables, relu, planes ?? PooledTarget.Output(pairs * pooledWidth, pooledWidth), IntoPlanes: planes is not null);
        return CodePiece.Write(writer =>
        {
            WriteTableComment(writer, layer, tables.Residues.Count);
            writer.Line("// Tiles of " + Pairs(perTile) + (perWideTile == perTile ? "" : " (" + Literals.Int(perWideTile) + " with 32 vector registers)")
                + " of rows, two vectors a row from wide column c on, pooled in registers into pooled columns c/2 …" + (planes is null ? "" : " of " + planes.Description));
            using (writer.Block())
            {
                writer.Statement("TLanes lanes = default;");
                WriteTableLocals(writer, layer, tables);
                writer.Statement("ref float output = ref " + pooled.Target.Reference + ";");
                using (writer.Block(ConvKernelEmitter.Loop("m", "from", "to")))
                {
                    writer.Statement("V b = lanes.Splat(" + (tables.HasBias ? "bias[m]" : "0f") + ");");
                    if (planes is null)
                    {
                        // The range's last channel keeps its vectors inside its own plane: the part after it may have written the next one already.
                        writer.Statement("int limit = m == to - 1 ? to * " + Literals.Int(pooled.Target.PlaneStride) + " : y.Length;");
                    }

                    var segment = "2 * lanes.Count";
                    using (writer.Block("for (int column = " + Literals.Int(g.OutputWidth - 1) + " / (" + segment + ") * (" + segment + "); column >= 0; column -= " + segment + ")"))
                    {
                        if (planes is not null)
                        {
                            writer.Statement("int valid = " + Literals.Int(pooledWidth) + " - (column >> 1);");
                        }

                        if (perWideTile == perTile)
                        {
                            WritePooledTiles(writer, pooled, perTile);
                        }
                        else
                        {
                            // Bigger tiles where they stay in registers: fewer passes over each channel's table (conv1 of the
                            // block-pruned CNN, 7 pairs instead of 2: 0.54 → 0.47 µs).
                            using (writer.Block("if (lanes.HasThirtyTwoRegisters)"))
                            {
                                WritePooledTiles(writer, pooled, perWideTile);
                            }

                            using (writer.Block("else"))
                            {
                                WritePooledTiles(writer, pooled, perTile);
                            }
                        }
                    }
                }
            }
        });
    }

    /// <summary>The tiles of <paramref name="tilePairs"/> pairs of rows down the segment at <c>column</c>: accumulators, every residue class's taps, the pooled stores.</summary>
    private static void WritePooledTiles(SourceWriter writer, PooledTiles pooled, int tilePairs)
    {
        var g = pooled.Geometry;
        var classes = pooled.Tables.Residues.Count;
        var rows = 2 * tilePairs;
        using (writer.Block("for (int q = 0; q < " + Literals.Int(g.OutputHeight / 2) + "; q += " + Literals.Int(tilePairs) + ")"))
        {
            writer.Statement("V " + string.Join(", ", Enumerable.Range(0, 2 * rows).Select(k => "a" + Literals.Int(k) + " = b")) + ";");
            if (pooled.Tables.HasWeights)
            {
                writer.Statement("ref float s = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref input, q * " + Literals.Int(2 * g.PhaseWidth) + " + column);");
                for (var c = 0; c < classes; c++)
                {
                    WritePooledResidueLoop(writer, rows, g.PhaseWidth, pooled.Tables.Residues[c], "m * " + Literals.Int(classes) + (c == 0 ? "" : " + " + Literals.Int(c)));
                }
            }

            for (var pair = 0; pair < tilePairs; pair++)
            {
                WritePooledStore(writer, pooled, pair);
            }
        }
    }

    /// <summary>Pair <paramref name="pair"/>'s windows pooled into one vector and stored: into planes its valid lanes, into the output within the channel's limit.</summary>
    private static void WritePooledStore(SourceWriter writer, PooledTiles pooled, int pair)
    {
        var target = pooled.Target;
        var (top0, top1, bottom0, bottom1) = ("a" + Literals.Int(4 * pair), "a" + Literals.Int((4 * pair) + 1), "a" + Literals.Int((4 * pair) + 2), "a" + Literals.Int((4 * pair) + 3));
        var vector = "p" + Literals.Int(pair);
        writer.Statement("V " + vector + " = " + RuntimeNames.Kernel("PoolWindows") + "(" + top0 + ", " + top1 + ", " + bottom0 + ", " + bottom1 + ", " + (pooled.Relu ? "true" : "false") + ");");

        var row = (pair == 0 ? "q" : "(q + " + Literals.Int(pair) + ")") + " * " + Literals.Int(target.RowStride) + " + (column >> 1)";
        if (pooled.IntoPlanes)
        {
            writer.Statement("lanes.Store(lanes.KeepFirst(" + vector + ", valid), ref output, m * " + Literals.Int(target.PlaneStride) + " + " + row + ");");
            return;
        }

        var at = "o" + Literals.Int(pair);
        writer.Statement("int " + at + " = m * " + Literals.Int(target.PlaneStride) + " + " + row + ";");
        using (writer.Block("if (" + at + " + lanes.Count <= limit)"))
        {
            writer.Statement("lanes.Store(" + vector + ", ref output, " + at + ");");
        }

        using (writer.Block("else"))
        {
            writer.Statement(RuntimeNames.LaneKernels + "StoreFirst(" + vector + ", ref output, " + at + ", limit - " + at + ");");
        }
    }

    /// <summary>What the pooled tiles of one layer share: its geometry and tables, the Relu, and where pooled vectors go.</summary>
    private sealed record PooledTiles(ConvGeometry Geometry, TapTables Tables, bool Relu, PooledTarget Target, bool IntoPlanes);

    /// <summary>Accumulators of a pooled tile with 32 vector registers: as the channel kernels' two-row tiles, room for the weight and two loads.</summary>
    private const int WideTileAccumulators = 28;

    /// <summary>The most pairs of rows a pooled tile of at most <paramref name="accumulators"/> vectors holds (four each) that divide the pairs evenly.</summary>
    private static int PairsPerTile(int pairs, int accumulators) =>
        Enumerable.Range(1, accumulators / 4).Reverse().First(perTile => pairs % perTile == 0);

    private static string Pairs(int count) => Literals.Int(count) + (count == 1 ? " pair" : " pairs");

    /// <summary>
    /// One residue class of a pooled tile: row k of the tile (k · <paramref name="rowLength"/> floats from the tile's start)
    /// holds accumulators a(2k) and a(2k + 1), its run read as in <see cref="WriteResidueLoop"/>: two aligned loads, or
    /// three covering loads shifted into place.
    /// </summary>
    private static void WritePooledResidueLoop(SourceWriter writer, int rows, int rowLength, int residue, string startIndex)
    {
        using (writer.Block("for (int n = starts[" + startIndex + "]; n < starts[" + startIndex + " + 1]; n++)"))
        {
            writer.Statement("V w = lanes.Splat(global::System.Runtime.CompilerServices.Unsafe.Add(ref weights, n));");
            writer.Statement("ref float t = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref s, global::System.Runtime.CompilerServices.Unsafe.Add(ref bases, n));");
            for (var k = 0; k < rows; k++)
            {
                var (first, second) = ("a" + Literals.Int(2 * k), "a" + Literals.Int((2 * k) + 1));
                var rowStart = k * rowLength;
                if (residue == 0)
                {
                    var at = rowStart == 0 ? "" : Literals.Int(rowStart) + " + ";
                    writer.Statements(
                        first + " = lanes.MultiplyAdd(w, lanes.Load(ref t, " + (rowStart == 0 ? "0" : Literals.Int(rowStart)) + "), " + first + ");",
                        second + " = lanes.MultiplyAdd(w, lanes.Load(ref t, " + at + "lanes.Count), " + second + ");");
                    continue;
                }

                // Covering vector j of row k is vector k · (rowLength / Count) + j of the run from t: where a row is two vectors,
                // row k's third load is row k + 1's first, and the JIT loads it once (conv1 of the block-pruned CNN 0.62 → 0.54 µs).
                var r = Literals.Int(residue);
                var low = "v" + Literals.Int(2 * k);
                var high = "v" + Literals.Int((2 * k) + 1);
                string Vector(int j) => k == 0 ? Literals.Int(j) : Literals.Int(k) + " * (" + Literals.Int(rowLength) + " / lanes.Count) + " + Literals.Int(j);
                writer.Statements(
                    "V " + low + " = lanes.LoadCovering(ref t, " + r + ", " + Vector(0) + "), " + high + " = lanes.LoadCovering(ref t, " + r + ", " + Vector(1) + ");",
                    first + " = lanes.MultiplyAdd(w, lanes.Realign(" + low + ", " + high + ", ref t, " + r + ", " + Vector(0) + "), " + first + ");",
                    low + " = lanes.LoadCovering(ref t, " + r + ", " + Vector(2) + ");",
                    second + " = lanes.MultiplyAdd(w, lanes.Realign(" + high + ", " + low + ", ref t, " + r + ", " + Vector(1) + "), " + second + ");");
            }
        }
    }

    /// <summary>Where a pooled tile's vectors go: channel m's pooled row q at <c>output[m · PlaneStride + q · RowStride]</c>.</summary>
    /// <param name="Reference">The C# of a <c>ref float</c> to channel 0's first pooled output.</param>
    /// <param name="Description">How the generated code's comment names the planes, or empty for the pool's output.</param>
    private sealed record PooledTarget(string Reference, int PlaneStride, int RowStride, string Description)
    {
        public static PooledTarget Output(int plane, int rowLength) =>
            new("global::System.Runtime.InteropServices.MemoryMarshal.GetReference(y)", plane, rowLength, "");

        /// <summary>The zero-bordered planes of <paramref name="reader"/>, inside their borders.</summary>
        public static PooledTarget Planes(LayerContext layer, ConvOperation reader)
        {
            var g = PlanesHandoffs.InputPlanes(layer.Plan, reader)!;
            var planes = layer.Scratch.ReaderPlanes!.Value;
            var start = planes + (g.PadTop * g.PhaseWidth) + g.PadLeft;
            var plane = g.PhaseHeight * g.PhaseWidth;
            return new(
                "global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(arena), " + Literals.Int(start) + ")",
                plane,
                g.PhaseWidth,
                "the zero-bordered planes of '" + Literals.Comment(reader.Name) + "' (rows of " + Literals.Int(g.PhaseWidth) + "), lanes past a pooled row zeroed");
        }
    }

    private static void WriteTableComment(SourceWriter writer, LayerContext layer, int classes)
    {
        writer.Line("// Output channels from … to − 1: the nonzero taps of channel m, by the residue class c of their offset (offset mod 16),");
        writer.Line("// are weights[starts[m · " + Literals.Int(classes) + " + c] .. starts[m · " + Literals.Int(classes) + " + c + 1]), each reading the planes from its aligned base"
            + (layer.Plan.Handoffs.IsFed(layer.Op) ? " (planes the convolution before filled: no copy)" : "") + ".");
    }

    /// <summary>The tables' locals: <c>starts</c>, <c>bias</c> where some bias is nonzero, <c>weights</c> and <c>bases</c> where some tap is.</summary>
    private static void WriteTableLocals(SourceWriter writer, LayerContext layer, TapTables tables)
    {
        writer.Statement("var starts = " + layer.TableName("Starts") + ";");
        if (tables.HasBias)
        {
            writer.Statement("var bias = " + layer.TableName("Bias") + ";");
        }

        if (tables.HasWeights)
        {
            writer.Statement("ref float weights = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(" + layer.TableName("Weights") + ");");
            writer.Statement("ref int bases = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(" + layer.TableName("Bases") + ");");
        }
    }

    private static void WriteResidueLoop(SourceWriter writer, SimdConvShape shape, int residue, string startIndex)
    {
        using (writer.Block("for (int n = starts[" + startIndex + "]; n < starts[" + startIndex + " + 1]; n++)"))
        {
            writer.Statement("V w = lanes.Splat(global::System.Runtime.CompilerServices.Unsafe.Add(ref weights, n));");
            writer.Statement("ref float t = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref s, global::System.Runtime.CompilerServices.Unsafe.Add(ref bases, n));");
            if (residue == 0)
            {
                writer.Statements(Accumulators(shape).Select((a, k) => a + " = lanes.MultiplyAdd(w, lanes.Load(ref t, " + (k == 0 ? "0" : Lane(k)) + "), " + a + ");").ToArray());
                return;
            }

            var r = Literals.Int(residue);
            writer.Statement("V v0 = lanes.LoadCovering(ref t, " + r + ", 0), v1;");
            foreach (var (a, k) in Accumulators(shape).Select((a, k) => (a, k)))
            {
                var (low, high) = k % 2 == 0 ? ("v0", "v1") : ("v1", "v0");
                writer.Statements(
                    high + " = lanes.LoadCovering(ref t, " + r + ", " + Literals.Int(k + 1) + ");",
                    a + " = lanes.MultiplyAdd(w, lanes.Realign(" + low + ", " + high + ", ref t, " + r + ", " + Literals.Int(k) + "), " + a + ");");
            }
        }
    }

    private static IEnumerable<CodePiece> Unrolled(ConvOperation conv, ConvGeometry g, SimdConvShape shape, int m, List<ConvTap> taps, int tapsPerPiece, bool relu, bool pooled, bool lastOfTask)
    {
        var bias = conv.Bias is null ? 0f : conv.Bias[m];
        var pieces = Math.Max(1, (taps.Count + tapsPerPiece - 1) / tapsPerPiece);
        for (var piece = 0; piece < pieces; piece++)
        {
            var first = piece * tapsPerPiece;
            var end = Math.Min(taps.Count, first + tapsPerPiece);
            var isFirst = piece == 0;
            var isLast = piece == pieces - 1;
            yield return CodePiece.Write(writer =>
            {
                writer.Line("// Output channel " + Literals.Int(m) + (pieces == 1 ? "" : ", taps " + Literals.Int(first + 1) + "–" + Literals.Int(end) + " of " + Literals.Int(taps.Count)));
                using (writer.Block("for (int p = 0; p < " + Literals.Int(shape.WideLength) + "; p += strip)"))
                {
                    if (isFirst)
                    {
                        writer.Statement("V " + string.Join(", ", Accumulators(shape).Select(a => a + " = lanes.Splat(" + Literals.Float(bias == 0f ? 0f : bias) + ")")) + ";");
                    }
                    else
                    {
                        writer.Statements(Accumulators(shape).Select((a, k) => "V " + a + " = lanes.Load(ref wide, p" + (k == 0 ? "" : " + " + Lane(k)) + ");").ToArray());
                    }

                    if (end > first)
                    {
                        writer.Statement("ref float s = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref input, p);");
                        writer.Statement("V w;");
                    }

                    for (var t = first; t < end; t++)
                    {
                        var offset = g.SimdOffset(taps[t]);
                        var statements = new List<string> { "w = lanes.Splat(" + Literals.Float(taps[t].Weight) + ");" };
                        statements.AddRange(Accumulators(shape).Select((a, k) =>
                            a + " = lanes.MultiplyAdd(w, lanes.Load(ref s, " + Literals.Int(offset) + (k == 0 ? "" : " + " + Lane(k)) + "), " + a + ");"));
                        writer.Statements(statements.ToArray());
                    }

                    writer.Statements(Accumulators(shape).Select((a, k) => "lanes.Store(" + a + ", ref wide, p" + (k == 0 ? "" : " + " + Lane(k)) + ");").ToArray());
                }

                if (isLast)
                {
                    // The task's last channel keeps its vectors inside its own plane: the next task may have written the next one already.
                    var plane = pooled ? PooledPlane(g) : g.OutputPlane;
                    var limit = lastOfTask ? Literals.Int((m + 1) * plane) : "y.Length";
                    writer.Statement(pooled ? StorePooledRows(g, shape, Literals.Int(m * plane), relu, limit) : StoreRows(g, Literals.Int(m * plane), relu, limit));
                }
            });
        }
    }

    /// <summary>
    /// The call that fills the phase planes: every phase, or (<paramref name="phases"/>) only those the taps read, where the
    /// kernel reads nothing else (a 1×1 stride-2 convolution reads one phase of four).
    /// </summary>
    internal static CodePiece PadInputPiece(ConvGeometry g, int planes, string commentTail, int? phases = null) =>
        CodePiece.Write(writer =>
        {
            var allPhases = (1 << g.Phases) - 1;
            var copied = phases ?? allPhases;
            writer.Line("// Zero-bordered " + (g.Phases == 1 ? "copy" : Literals.Int(g.Phases) + " phase planes per channel") + " of the input, "
                + Literals.Int(g.PhaseHeight) + "×" + Literals.Int(g.PhaseWidth) + (g.Phases == 1 ? "" : " each") + commentTail
                + (copied == allPhases ? "" : "; only the phases the taps read"));
            writer.Statement(RuntimeNames.LaneKernels + "PadInput(x, arena.Slice(" + Literals.Int(planes) + ", " + Literals.Int(g.SimdPlanes) + "), " + string.Join(", ", new[]
            {
                g.InputChannels, g.InputHeight, g.InputWidth, g.PadTop, g.PadLeft, g.StrideH, g.StrideW, g.PhaseHeight, g.PhaseWidth, copied,
            }.Select(Literals.Int)) + ");");
        });

    private static string StoreRows(ConvGeometry g, string offset, bool relu, string limit) =>
        RuntimeNames.Kernel("StoreRows") + "(ref wide, y, " + offset + ", " + Literals.Int(g.OutputHeight) + ", " + Literals.Int(g.OutputWidth) + ", "
        + Literals.Int(g.PhaseWidth) + ", " + (relu ? "true" : "false") + ", " + limit + ");";

    /// <summary>The wide plane through Relu and a fused 2×2 max pool into the pool's output.</summary>
    private static string StorePooledRows(ConvGeometry g, SimdConvShape shape, string offset, bool relu, string limit) =>
        RuntimeNames.Kernel("StorePooledRows") + "(ref wide, " + Literals.Int(shape.CoveredLength + PooledReadSlack) + ", y, " + offset + ", " + Literals.Int(g.OutputHeight / 2) + ", "
        + Literals.Int(g.OutputWidth / 2) + ", " + Literals.Int(g.PhaseWidth) + ", " + (relu ? "true" : "false") + ", " + limit + ");";

    private static int PooledPlane(ConvGeometry g) => (g.OutputHeight / 2) * (g.OutputWidth / 2);

    private static IEnumerable<string> Accumulators(SimdConvShape shape) => Enumerable.Range(0, shape.Accumulators).Select(k => "a" + Literals.Int(k));

    private static string Lane(int k) => k == 1 ? "lanes.Count" : Literals.Int(k) + " * lanes.Count";
}
