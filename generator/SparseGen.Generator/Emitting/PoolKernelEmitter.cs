using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting;

/// <summary>
/// MaxPool and AveragePool with the reference evaluator's window rules: padding never wins a max; an
/// average that counts padding divides by the taps inside the padded input; a window with no real
/// element gives float.MinValue (max) or 0 (average). Bounds tests are written only for the axes where
/// some window leaves the image.
/// </summary>
internal static class PoolKernelEmitter
{
    public static void Emit(LayerContext layer, PoolOperation pool)
    {
        var input = layer.ShapeOf(pool.Input);
        var output = layer.ShapeOf(pool.Output);
        int channels = input[0], height = input[1], width = input[2], outHeight = output[1], outWidth = output[2];
        int kernelH = pool.Kernel[0], kernelW = pool.Kernel[1], strideH = pool.Strides[0], strideW = pool.Strides[1];
        int dilationH = pool.Dilations[0], dilationW = pool.Dilations[1], padTop = pool.Pads[0], padLeft = pool.Pads[1];
        var isMax = pool.Kind == PoolKind.Max;
        var checkRows = LeavesInput(outHeight, kernelH, strideH, dilationH, padTop, height);
        var checkColumns = LeavesInput(outWidth, kernelW, strideW, dilationW, padLeft, width);
        var rowTaps = Enumerable.Range(0, outHeight).Select(oy => TapsBefore((oy * strideH) - padTop, kernelH, dilationH, height + pool.Pads[2])).ToArray();
        var columnTaps = Enumerable.Range(0, outWidth).Select(ox => TapsBefore((ox * strideW) - padLeft, kernelW, dilationW, width + pool.Pads[3])).ToArray();

        if (isMax && kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && dilationH == 1 && dilationW == 1
            && pool.Pads.All(p => p == 0) && outHeight == height / 2 && outWidth == width / 2)
        {
            var lanes = layer.LaneMethods(new[] { layer.SpanLocal("x", pool.Input), layer.SpanLocal("y", pool.Output) });
            lanes.Add(CodePiece.Write(writer => writer.Statement(
                "MaxPool2x2" + LanesCode.TypeParameters + "(x, y, " + Literals.Int(channels) + ", " + Literals.Int(height) + ", " + Literals.Int(width) + ");")));
            lanes.Finish();
            return;
        }

        // Windows wholly inside the input (a rectangle of outputs) take every tap without a bounds test, unrolled;
        // the rest go through the general loop below, which skips that rectangle.
        var (rowStart, rowEnd) = Inside(outHeight, kernelH, strideH, dilationH, padTop, height);
        var (columnStart, columnEnd) = Inside(outWidth, kernelW, strideW, dilationW, padLeft, width);
        var hasInside = rowStart < rowEnd && columnStart < columnEnd && kernelH * kernelW <= MaxUnrolledTaps;
        var hasBorder = !hasInside || rowEnd - rowStart < outHeight || columnEnd - columnStart < outWidth;
        var methods = layer.Methods(new[] { layer.SpanLocal("x", pool.Input), layer.SpanLocal("y", pool.Output) });
        methods.Add(CodePiece.Write(writer =>
        {
            using (writer.Block(ConvKernelEmitter.Loop("c", 0, channels)))
            {
                writer.Statement("var plane = x.Slice(" + IndexExpression.Of(0, (height * width, "c")) + ", " + Literals.Int(height * width) + ");");
                writer.Statement("var outputPlane = y.Slice(" + IndexExpression.Of(0, (outHeight * outWidth, "c")) + ", " + Literals.Int(outHeight * outWidth) + ");");
                if (hasInside)
                {
                    WriteInside(writer, pool, (rowStart, rowEnd), (columnStart, columnEnd), width, outWidth, rowTaps, columnTaps, height);
                }

                if (!hasBorder)
                {
                    return;
                }

                using (writer.Block(ConvKernelEmitter.Loop("oy", 0, outHeight)))
                {
                    writer.Statement("int top = " + IndexExpression.Of(-padTop, (strideH, "oy")) + ";");
                    using (writer.Block(ConvKernelEmitter.Loop("ox", 0, outWidth)))
                    {
                        if (hasInside)
                        {
                            using (writer.Block("if (oy >= " + Literals.Int(rowStart) + " && oy < " + Literals.Int(rowEnd) + " && ox >= " + Literals.Int(columnStart) + " && ox < " + Literals.Int(columnEnd) + ")"))
                            {
                                writer.Statement("continue;");
                            }
                        }

                        writer.Statement("int left = " + IndexExpression.Of(-padLeft, (strideW, "ox")) + ";");
                        writer.Statement(isMax ? "float max = float.MinValue;" : "double sum = 0;");
                        writer.Statement("int count = 0;");
                        using (writer.Block(ConvKernelEmitter.Loop("ky", 0, kernelH)))
                        {
                            writer.Statement("int iy = " + IndexExpression.Of(0, (1, "top"), (dilationH, "ky")) + ";");
                            if (checkRows)
                            {
                                using (writer.Block("if (iy < 0 || iy >= " + Literals.Int(height) + ")"))
                                {
                                    writer.Statement("continue;");
                                }
                            }

                            using (writer.Block(ConvKernelEmitter.Loop("kx", 0, kernelW)))
                            {
                                writer.Statement("int ix = " + IndexExpression.Of(0, (1, "left"), (dilationW, "kx")) + ";");
                                if (checkColumns)
                                {
                                    using (writer.Block("if (ix < 0 || ix >= " + Literals.Int(width) + ")"))
                                    {
                                        writer.Statement("continue;");
                                    }
                                }

                                writer.Statement("float v = plane[" + IndexExpression.Of(0, (width, "iy"), (1, "ix")) + "];");
                                if (isMax)
                                {
                                    writer.Line("// The first element is taken as is, so a NaN stays, as in ONNX Runtime.");
                                    using (writer.Block("if (count == 0 || v > max)"))
                                    {
                                        writer.Statement("max = v;");
                                    }
                                }
                                else
                                {
                                    writer.Statement("sum += v;");
                                }

                                writer.Statement("count++;");
                            }
                        }

                        var target = "outputPlane[" + IndexExpression.Of(0, (outWidth, "oy"), (1, "ox")) + "]";
                        if (isMax)
                        {
                            writer.Statement(target + " = max;");
                        }
                        else
                        {
                            var divisor = pool.CountIncludePad ? Divisor(rowTaps, columnTaps, kernelH, kernelW, dilationH, dilationW, height + pool.Pads[2], width + pool.Pads[3]) : "count";
                            writer.Statement(target + " = count == 0 ? 0f : (float)(sum / " + divisor + ");");
                        }
                    }
                }
            }
        }));
        methods.Finish();
    }

    /// <summary>
    /// The windows wholly inside the input: every tap of output (oy, ox) in the rectangle reads the input, so the taps are
    /// unrolled at fixed offsets from the window's corner, in the general loop's order (rows, then columns), the first
    /// one taken as is: the same max (a NaN first stays) and the same double sum.
    /// </summary>
    private static void WriteInside(SourceWriter writer, PoolOperation pool, (int Start, int End) rows, (int Start, int End) columns, int width, int outWidth, int[] rowTaps, int[] columnTaps, int height)
    {
        int kernelH = pool.Kernel[0], kernelW = pool.Kernel[1], strideH = pool.Strides[0], strideW = pool.Strides[1];
        int dilationH = pool.Dilations[0], dilationW = pool.Dilations[1], padTop = pool.Pads[0], padLeft = pool.Pads[1];
        var isMax = pool.Kind == PoolKind.Max;
        var offsets = Enumerable.Range(0, kernelH).SelectMany(ky => Enumerable.Range(0, kernelW).Select(kx => (ky * dilationH * width) + (kx * dilationW))).ToList();
        using (writer.Block(ConvKernelEmitter.Loop("oy", rows.Start, rows.End)))
        {
            writer.Statement("int top = " + IndexExpression.Of(-padTop, (strideH, "oy")) + ";");
            using (writer.Block(ConvKernelEmitter.Loop("ox", columns.Start, columns.End)))
            {
                writer.Statement("int left = " + IndexExpression.Of(-padLeft, (strideW, "ox")) + ";");
                writer.Statement("int corner = " + IndexExpression.Of(0, (width, "top"), (1, "left")) + ";");
                var target = "outputPlane[" + IndexExpression.Of(0, (outWidth, "oy"), (1, "ox")) + "]";
                if (isMax)
                {
                    writer.Statement("float max = plane[corner];");
                    foreach (var offset in offsets.Skip(1))
                    {
                        writer.Statement("{ float v = plane[corner + " + Literals.Int(offset) + "]; if (v > max) { max = v; } }");
                    }

                    writer.Statement(target + " = max;");
                }
                else
                {
                    writer.Statement("double sum = plane[corner];");
                    foreach (var offset in offsets.Skip(1))
                    {
                        writer.Statement("sum += plane[corner + " + Literals.Int(offset) + "];");
                    }

                    var divisor = pool.CountIncludePad
                        ? Divisor(rowTaps, columnTaps, kernelH, kernelW, dilationH, dilationW, height + pool.Pads[2], width + pool.Pads[3])
                        : Literals.Int(kernelH * kernelW);
                    writer.Statement(target + " = (float)(sum / " + divisor + ");");
                }
            }
        }
    }

    /// <summary>The outputs [start, end) of an axis whose windows lie wholly inside the input (assumes they are contiguous, as they are).</summary>
    private static (int Start, int End) Inside(int outputs, int kernel, int stride, int dilation, int padBegin, int input)
    {
        int start = 0, end = 0;
        var found = false;
        for (var o = 0; o < outputs; o++)
        {
            var first = (o * stride) - padBegin;
            var last = first + ((kernel - 1) * dilation);
            if (first >= 0 && last < input)
            {
                if (!found)
                {
                    start = o;
                    found = true;
                }

                end = o + 1;
            }
        }

        return found ? (start, end) : (0, 0);
    }

    /// <summary>Windows of more taps than this keep the general loop: unrolled, one window would make a long method.</summary>
    private const int MaxUnrolledTaps = 64;

    /// <summary>True when some window of the axis reads before 0 or past the input.</summary>
    private static bool LeavesInput(int outputs, int kernel, int stride, int dilation, int padBegin, int input)
    {
        for (var o = 0; o < outputs; o++)
        {
            var first = (o * stride) - padBegin;
            var last = first + ((kernel - 1) * dilation);
            if (first < 0 || last >= input)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The count_include_pad divisor: a literal when every window has the same number of padded taps.</summary>
    private static string Divisor(int[] rowTaps, int[] columnTaps, int kernelH, int kernelW, int dilationH, int dilationW, int paddedHeight, int paddedWidth)
    {
        var rows = rowTaps.Distinct().Count() == 1 ? Literals.Int(rowTaps[0]) : Taps(kernelH, dilationH, paddedHeight, "top");
        var columns = columnTaps.Distinct().Count() == 1 ? Literals.Int(columnTaps[0]) : Taps(kernelW, dilationW, paddedWidth, "left");
        return rowTaps.Distinct().Count() == 1 && columnTaps.Distinct().Count() == 1
            ? Literals.Int(rowTaps[0] * columnTaps[0])
            : "(" + rows + " * " + columns + ")";
    }

    // Windows start inside the padded input, so limit − start is positive.
    private static string Taps(int kernel, int dilation, int limit, string start) =>
        "global::System.Math.Min(" + Literals.Int(kernel) + ", (" + IndexExpression.Of(limit + dilation - 1, (-1, start)) + ") / " + Literals.Int(dilation) + ")";

    private static int TapsBefore(int start, int kernel, int dilation, int limit)
    {
        var count = 0;
        for (var k = 0; k < kernel && start + (k * dilation) < limit; k++)
        {
            count++;
        }

        return count;
    }
}
