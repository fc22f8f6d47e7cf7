using System.Collections.Generic;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// Convolution kernels. Each nonzero weight (output channel m, input channel c, tap kh, kw) adds
/// <c>w · x[c, oy·sH + kh·dH − padTop, ox·sW + kw·dW − padLeft]</c> to <c>y[m, oy, ox]</c> over exactly
/// the outputs whose input lies inside the image; those form one rectangle, computed here, so the
/// generated loops have constant bounds and no padding tests. A zero weight adds nothing and writes nothing.
/// </summary>
internal static class ConvKernelEmitter
{
    public static void Emit(LayerContext layer, ConvOperation conv)
    {
        if (layer.Plan.StrategyOf(conv) is LayerStrategy.SimdChannels or LayerStrategy.SimdChannelBlocks)
        {
            SimdChannelsConvKernelEmitter.Emit(layer, conv);
            return;
        }

        if (layer.Plan.StrategyOf(conv) is { } strategy && strategy is LayerStrategy.SimdTable or LayerStrategy.SimdUnrolled)
        {
            SimdConvKernelEmitter.Emit(layer, conv, strategy);
            return;
        }

        var geometry = new ConvGeometry(conv, layer.ShapeOf(conv.Input), layer.ShapeOf(conv.Output));
        var methods = layer.Methods(new[] { layer.SpanLocal("x", conv.Input), layer.SpanLocal("y", conv.Output) });
        if (layer.Plan.StrategyOf(conv) == LayerStrategy.SparseTable)
        {
            methods.Add(SparseTable(layer, conv, geometry));
        }
        else
        {
            methods.Add(Unrolled(conv, geometry));
        }

        if (conv.Activation.Kind != ActivationKind.None)
        {
            methods.Add(ElementwiseKernelEmitter.ActivateInPlace(layer.Kernels, conv.Activation, "y", layer.LengthOf(conv.Output), inLanes: false));
        }

        methods.Finish();
    }

    private static IEnumerable<CodePiece> Unrolled(ConvOperation conv, ConvGeometry geometry)
    {
        for (var m = 0; m < conv.OutputChannels; m++)
        {
            var channel = m;
            yield return CodePiece.Write(writer =>
            {
                writer.Line("// Output channel " + Literals.Int(channel));
                writer.Statement(InitialiseChannel(conv, geometry, channel));
            });
            foreach (var tap in geometry.TapsOf(channel))
            {
                yield return CodePiece.Write(writer => WriteTap(writer, geometry, tap));
            }
        }
    }

    private static string InitialiseChannel(ConvOperation conv, ConvGeometry geometry, int channel)
    {
        var plane = "y.Slice(" + Literals.Int(channel * geometry.OutputPlane) + ", " + Literals.Int(geometry.OutputPlane) + ")";
        var bias = conv.Bias is null ? 0f : conv.Bias[channel];
        // A zero bias of either sign gives +0 where no weight adds anything, as the reference's double sum does.
        return bias == 0f ? plane + ".Clear();" : plane + ".Fill(" + Literals.Float(bias) + ");";
    }

    private static void WriteTap(SourceWriter writer, ConvGeometry g, ConvTap tap)
    {
        var rows = tap.RowEnd - tap.RowStart;
        var columns = tap.ColumnEnd - tap.ColumnStart;
        var update = tap.Weight < 0f ? " -= " + Literals.Float(-tap.Weight) : " += " + Literals.Float(tap.Weight);
        long outputBase = tap.OutputBase;
        long inputRow = (long)g.StrideH * g.InputWidth;

        string Statement(string outputIndex, string inputIndex) => "y[" + outputIndex + "]" + update + " * x[" + inputIndex + "];";

        if (rows == 1 && columns == 1)
        {
            writer.Statement(Statement(
                IndexExpression.Of(outputBase + ((long)tap.RowStart * g.OutputWidth) + tap.ColumnStart),
                IndexExpression.Of(tap.InputBase + (tap.RowStart * inputRow) + ((long)tap.ColumnStart * g.StrideW))));
        }
        else if (columns == g.OutputWidth && g.StrideW == 1 && inputRow == g.OutputWidth)
        {
            // Whole output rows whose input rows are contiguous too: one loop over the flat range.
            var start = outputBase + ((long)tap.RowStart * g.OutputWidth);
            var end = outputBase + ((long)tap.RowEnd * g.OutputWidth);
            writer.LoopLine(Statement("i", IndexExpression.Plus("i", tap.InputBase - outputBase)), Loop("i", start, end));
        }
        else if (rows == 1)
        {
            var rowOutput = outputBase + ((long)tap.RowStart * g.OutputWidth);
            var rowInput = tap.InputBase + (tap.RowStart * inputRow);
            writer.LoopLine(
                Statement(IndexExpression.Of(rowOutput, (1, "ox")), IndexExpression.Of(rowInput, (g.StrideW, "ox"))),
                Loop("ox", tap.ColumnStart, tap.ColumnEnd));
        }
        else if (columns == 1)
        {
            var columnOutput = outputBase + tap.ColumnStart;
            var columnInput = tap.InputBase + ((long)tap.ColumnStart * g.StrideW);
            writer.LoopLine(
                Statement(IndexExpression.Of(columnOutput, (g.OutputWidth, "oy")), IndexExpression.Of(columnInput, (inputRow, "oy"))),
                Loop("oy", tap.RowStart, tap.RowEnd));
        }
        else
        {
            writer.LoopLine(
                Statement(IndexExpression.Of(outputBase, (g.OutputWidth, "oy"), (1, "ox")), IndexExpression.Of(tap.InputBase, (inputRow, "oy"), (g.StrideW, "ox"))),
                Loop("oy", tap.RowStart, tap.RowEnd),
                Loop("ox", tap.ColumnStart, tap.ColumnEnd));
        }
    }

    private static CodePiece SparseTable(LayerContext layer, ConvOperation conv, ConvGeometry g)
    {
        var weights = new List<float>();
        var taps = new List<int>();
        for (var m = 0; m < conv.OutputChannels; m++)
        {
            foreach (var tap in g.TapsOf(m))
            {
                weights.Add(tap.Weight);
                taps.Add(tap.OutputBase);
                taps.Add(tap.InputBase);
                taps.Add(tap.Window);
            }
        }

        var windows = new List<int>();
        for (var kh = 0; kh < conv.KernelHeight; kh++)
        {
            for (var kw = 0; kw < conv.KernelWidth; kw++)
            {
                var (rowStart, rowEnd) = g.Rows(kh);
                var (columnStart, columnEnd) = g.Columns(kw);
                windows.AddRange(new[] { rowStart, rowEnd, columnStart, columnEnd });
            }
        }

        var hasBias = conv.Bias is not null && System.Array.Exists(conv.Bias, b => b != 0f);
        if (hasBias)
        {
            layer.Kernels.FloatTable(layer.TableName("Bias"), conv.Bias!);
        }

        if (weights.Count > 0)
        {
            layer.Kernels.FloatTable(layer.TableName("Weights"), weights);
            layer.Kernels.IntTable(layer.TableName("Taps"), taps);
            layer.Kernels.IntTable(layer.TableName("Windows"), windows);
        }

        return CodePiece.Write(writer =>
        {
            if (hasBias)
            {
                writer.Statement("var bias = " + layer.TableName("Bias") + ";");
                using (writer.Block(Loop("m", 0, conv.OutputChannels)))
                {
                    writer.Statement("y.Slice(" + IndexExpression.Of(0, (g.OutputPlane, "m")) + ", " + Literals.Int(g.OutputPlane) + ").Fill(bias[m]);");
                }
            }
            else
            {
                writer.Statement("y.Clear();");
            }

            if (weights.Count == 0)
            {
                return;
            }

            writer.Line("// Each nonzero weight: its output channel's offset, its input offset at (0, 0), its tap's window.");
            writer.Statement("var weights = " + layer.TableName("Weights") + ";");
            writer.Statement("var taps = " + layer.TableName("Taps") + ";");
            writer.Statement("var windows = " + layer.TableName("Windows") + ";");
            using (writer.Block(Loop("n", 0, weights.Count)))
            {
                writer.Statement("float w = weights[n];");
                writer.Statement("int outputBase = taps[3 * n], inputBase = taps[3 * n + 1], window = 4 * taps[3 * n + 2];");
                writer.Statement("int columnStart = windows[window + 2], columnEnd = windows[window + 3];");
                using (writer.Block("for (int oy = windows[window]; oy < windows[window + 1]; oy++)"))
                {
                    writer.Statement("int o = " + IndexExpression.Of(0, (1, "outputBase"), (g.OutputWidth, "oy")) + ";");
                    writer.Statement("int i = " + IndexExpression.Of(0, (1, "inputBase"), ((long)g.StrideH * g.InputWidth, "oy")) + ";");
                    using (writer.Block("for (int ox = columnStart; ox < columnEnd; ox++)"))
                    {
                        writer.Statement("y[o + ox] += w * x[" + IndexExpression.Of(0, (1, "i"), (g.StrideW, "ox")) + "];");
                    }
                }
            }
        });
    }

    internal static string Loop(string variable, long start, long end) =>
        Loop(variable, Literals.Long(start).TrimEnd('L'), Literals.Long(end).TrimEnd('L'));

    /// <summary>A counting loop between two C# expressions: <c>for (int m = from; m &lt; to; m++)</c>.</summary>
    internal static string Loop(string variable, string start, string end) =>
        "for (int " + variable + " = " + start + "; " + variable + " < " + end + "; " + variable + "++)";
}
