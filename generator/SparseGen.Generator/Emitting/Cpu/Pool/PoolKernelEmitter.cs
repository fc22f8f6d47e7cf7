using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// MaxPool and AveragePool with the reference evaluator's window rules: padding never wins a max; an
/// average that counts padding divides by the taps inside the padded input; a window with no real
/// element gives float.MinValue (max) or 0 (average). The outputs go by rectangles of windows that take the
/// same taps, unrolled without bounds tests, the inside rectangle in SIMD lanes where the strides allow; only
/// windows too large to unroll take a general loop with bounds tests.
/// </summary>
internal static class PoolKernelEmitter
{
    public static void Emit(LayerContext layer, PoolOperation pool)
    {
        var layout = PoolLayout.Of(pool, layer.ShapeOf(pool.Input), layer.ShapeOf(pool.Output));
        var (channels, height, width, outHeight, outWidth, kernelH, kernelW, strideH, strideW, dilationH, dilationW, padTop, padLeft) = layout.Shape;
        var isMax = pool.Kind == PoolKind.Max;
        if (layout.IsMaxPool2x2)
        {
            var lanes = layer.LaneMethods(new[] { layer.SpanLocal("x", pool.Input), layer.SpanLocal("y", pool.Output) });
            lanes.Add(CodePiece.Write(writer => writer.Statement(
                RuntimeNames.Kernel("MaxPool2x2") + "(x, y, " + Literals.Int(channels) + ", " + Literals.Int(height) + ", " + Literals.Int(width) + ");")));
            lanes.Finish();
            return;
        }

        if (layout.GeneralLoop)
        {
            EmitGeneralLoop(layer, pool);
            return;
        }

        var rectangles = layout.Rectangles;
        var inside = layout.Inside;
        var inLanes = layout.InLanes;
        var insideLanes = layout.InsideLanes;
        var wide = layout.ScratchLength > 0 ? layer.OwnScratch : null;

        var locals = new[] { layer.SpanLocal("x", pool.Input), layer.SpanLocal("y", pool.Output) };
        var methods = inLanes ? layer.LaneMethods(locals.Append("TLanes lanes = default;").ToArray()) : layer.Methods(locals);
        methods.Add(CodePiece.Write(writer =>
        {
            using (writer.Block(ConvKernelEmitter.Loop("c", 0, channels)))
            {
                writer.Statement("var plane = x.Slice(" + IndexExpression.Of(0, (height * width, "c")) + ", " + Literals.Int(height * width) + ");");
                writer.Statement("var outputPlane = y.Slice(" + IndexExpression.Of(0, (outHeight * outWidth, "c")) + ", " + Literals.Int(outHeight * outWidth) + ");");
                if (inLanes)
                {
                    // First: with the lanes storing straight into the output, their garbage lands where the other rectangles write after.
                    WriteInsideLanes(writer, pool, inside!, insideLanes, width, outWidth, wide);
                }

                foreach (var rectangle in rectangles.Where(rectangle => !inLanes || rectangle != inside))
                {
                    WriteRectangle(writer, pool, rectangle, width, outWidth);
                }
            }
        }));
        methods.Finish();
    }

    /// <summary>Every window through one loop that tests each tap's bounds: for windows too large to unroll.</summary>
    private static void EmitGeneralLoop(LayerContext layer, PoolOperation pool)
    {
        var (channels, height, width, outHeight, outWidth, kernelH, kernelW, strideH, strideW, dilationH, dilationW, padTop, padLeft) = PoolShape.Of(pool, layer.ShapeOf(pool.Input), layer.ShapeOf(pool.Output));
        var isMax = pool.Kind == PoolKind.Max;
        var rowTaps = Enumerable.Range(0, outHeight).Select(oy => PoolLayout.TapsBefore((oy * strideH) - padTop, kernelH, dilationH, height + pool.Pads[2])).ToArray();
        var columnTaps = Enumerable.Range(0, outWidth).Select(ox => PoolLayout.TapsBefore((ox * strideW) - padLeft, kernelW, dilationW, width + pool.Pads[3])).ToArray();
        var checkRows = LeavesInput(outHeight, kernelH, strideH, dilationH, padTop, height);
        var checkColumns = LeavesInput(outWidth, kernelW, strideW, dilationW, padLeft, width);
        var methods = layer.Methods(new[] { layer.SpanLocal("x", pool.Input), layer.SpanLocal("y", pool.Output) });
        methods.Add(CodePiece.Write(writer =>
        {
            using (writer.Block(ConvKernelEmitter.Loop("c", 0, channels)))
            {
                writer.Statement("var plane = x.Slice(" + IndexExpression.Of(0, (height * width, "c")) + ", " + Literals.Int(height * width) + ");");
                writer.Statement("var outputPlane = y.Slice(" + IndexExpression.Of(0, (outHeight * outWidth, "c")) + ", " + Literals.Int(outHeight * outWidth) + ");");
                using (writer.Block(ConvKernelEmitter.Loop("oy", 0, outHeight)))
                {
                    writer.Statement("int top = " + IndexExpression.Of(-padTop, (strideH, "oy")) + ";");
                    using (writer.Block(ConvKernelEmitter.Loop("ox", 0, outWidth)))
                    {
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
                                    writer.Line("// The first element is taken as is; a NaN, once taken, stays.");
                                    using (writer.Block("if (count == 0 || v > max || float.IsNaN(v))"))
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
    /// One rectangle of outputs, the taps unrolled at fixed offsets from the window's corner in the reference's order (rows,
    /// then columns), the first taken as is: the same max (a NaN first stays) and the same double sum. A window with no
    /// tap in the input gives float.MinValue (max) or 0 (average).
    /// </summary>
    private static void WriteRectangle(SourceWriter writer, PoolOperation pool, WindowRectangle rectangle, int width, int outWidth)
    {
        int strideH = pool.Strides[0], strideW = pool.Strides[1], dilationH = pool.Dilations[0], dilationW = pool.Dilations[1];
        int padTop = pool.Pads[0], padLeft = pool.Pads[1];
        var isMax = pool.Kind == PoolKind.Max;
        var offsets = rectangle.Rows.Taps.SelectMany(ky => rectangle.Columns.Taps.Select(kx => (ky * dilationH * width) + (kx * dilationW))).ToList();
        using (writer.Block(ConvKernelEmitter.Loop("oy", rectangle.Rows.Start, rectangle.Rows.End)))
        {
            using (writer.Block(ConvKernelEmitter.Loop("ox", rectangle.Columns.Start, rectangle.Columns.End)))
            {
                var target = "outputPlane[" + IndexExpression.Of(0, (outWidth, "oy"), (1, "ox")) + "]";
                if (offsets.Count == 0)
                {
                    writer.Statement(target + " = " + (isMax ? "float.MinValue" : "0f") + ";");
                    return;
                }

                writer.Statement("int corner = " + IndexExpression.Of(-(padTop * width) - padLeft, (strideH * width, "oy"), (strideW, "ox")) + ";");
                if (isMax)
                {
                    writer.Statement("float max = plane[" + IndexExpression.Of(offsets[0], (1, "corner")) + "];");
                    foreach (var offset in offsets.Skip(1))
                    {
                        writer.Statement("max = " + RuntimeNames.Scalar + "MaxStep(max, plane[" + IndexExpression.Of(offset, (1, "corner")) + "]);");
                    }

                    writer.Statement(target + " = max;");
                }
                else
                {
                    writer.Statement("double sum = plane[" + IndexExpression.Of(offsets[0], (1, "corner")) + "];");
                    foreach (var offset in offsets.Skip(1))
                    {
                        writer.Statement("sum += plane[" + IndexExpression.Of(offset, (1, "corner")) + "];");
                    }

                    var divisor = pool.CountIncludePad ? rectangle.Rows.PaddedTaps * rectangle.Columns.PaddedTaps : offsets.Count;
                    writer.Statement(target + " = (float)(sum / " + Literals.Int(divisor) + ");");
                }
            }
        }
    }

    /// <summary>
    /// The windows wholly inside the input in SIMD lanes (<see cref="InsideLanes"/>), each tap taken in the general loop's
    /// order: the max is the reference's (the first tap as is, then candidate &gt; current); an average sums in float and
    /// multiplies by the reciprocal of the taps, as ONNX Runtime does (the reference sums in double).
    /// </summary>
    private static void WriteInsideLanes(SourceWriter writer, PoolOperation pool, WindowRectangle rectangle, InsideLanes inside, int width, int outWidth, string? wide)
    {
        int kernelH = pool.Kernel[0], kernelW = pool.Kernel[1], stride = pool.Strides[0];
        int dilationH = pool.Dilations[0], dilationW = pool.Dilations[1], padTop = pool.Pads[0], padLeft = pool.Pads[1];
        var isMax = pool.Kind == PoolKind.Max;
        var (rows, columns) = ((rectangle.Rows.Start, rectangle.Rows.End), (rectangle.Columns.Start, rectangle.Columns.End));
        var offsets = Enumerable.Range(0, kernelH)
            .SelectMany(ky => Enumerable.Range(0, kernelW).Select(kx => (((ky * dilationH) - padTop) * width) + (kx * dilationW) - padLeft))
            .ToList();
        var reciprocal = Literals.Float((float)(1.0 / (kernelH * kernelW)));
        string Tap(int offset) => stride == 1
            ? "lanes.Load(ref source, " + IndexExpression.Of(offset, (1, "q")) + ")"
            : "lanes.Even(lanes.Load(ref source, " + IndexExpression.Of(offset, (2, "q")) + "), lanes.Load(ref source, " + IndexExpression.Of(offset, (2, "q")) + " + lanes.Count))";
        string ScalarTap(int offset) => "global::System.Runtime.CompilerServices.Unsafe.Add(ref source, " + IndexExpression.Of(offset, (stride, "q")) + ")";
        var targetIndex = inside.Direct ? "q" : IndexExpression.Of(-inside.Start, (1, "q"));

        writer.Line("// Windows wholly inside the input, in lanes over q = oy·" + Literals.Int(width) + " + ox");
        using (writer.Block())
        {
            writer.Statement("ref float source = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(plane);");
            writer.Statement("ref float target = ref " + (wide ?? "global::System.Runtime.InteropServices.MemoryMarshal.GetReference(outputPlane)") + ";");
            writer.Statement("int q = " + Literals.Int(inside.Start) + ";");
            // Into a wide scratch plane the last vector may run past the end (its garbage is never copied); into the output
            // it stops short, and a scalar tail does the rest.
            using (writer.Block(inside.Direct
                ? "for (; q <= " + Literals.Int(inside.End) + " - lanes.Count; q += lanes.Count)"
                : "for (; q < " + Literals.Int(inside.End) + "; q += lanes.Count)"))
            {
                writer.Statement("V value = " + Tap(offsets[0]) + ";");
                foreach (var offset in offsets.Skip(1))
                {
                    writer.Statement(isMax ? "value = lanes.MaxOf(value, " + Tap(offset) + ");" : "value = lanes.Add(value, " + Tap(offset) + ");");
                }

                writer.Statement("lanes.Store(" + (isMax ? "value" : "lanes.Multiply(value, lanes.Splat(" + reciprocal + "))") + ", ref target, " + targetIndex + ");");
            }

            if (inside.Direct)
            {
                WriteScalarTail(writer, offsets, isMax, reciprocal, inside.End, ScalarTap, targetIndex);
            }
            else
            {
                using (writer.Block(ConvKernelEmitter.Loop("oy", rows.Start, rows.End)))
                {
                    writer.Statement(RuntimeNames.LaneKernels + "CopyRow(ref global::System.Runtime.CompilerServices.Unsafe.Add(ref target, " + IndexExpression.Of(columns.Start - inside.Start, (width, "oy")) + "), ref outputPlane["
                        + IndexExpression.Of(columns.Start, (outWidth, "oy")) + "], " + Literals.Int(columns.End - columns.Start) + ");");
                }
            }
        }
    }

    /// <summary>The outputs [q, end) one at a time, in the lanes' order and float arithmetic.</summary>
    private static void WriteScalarTail(SourceWriter writer, List<int> offsets, bool isMax, string reciprocal, int end, Func<int, string> scalarTap, string targetIndex)
    {
        using (writer.Block("for (; q < " + Literals.Int(end) + "; q++)"))
        {
            writer.Statement("float value = " + scalarTap(offsets[0]) + ";");
            foreach (var offset in offsets.Skip(1))
            {
                writer.Statement(isMax
                    ? "value = " + RuntimeNames.Scalar + "MaxStep(value, " + scalarTap(offset) + ");"
                    : "value += " + scalarTap(offset) + ";");
            }

            writer.Statement("global::System.Runtime.CompilerServices.Unsafe.Add(ref target, " + targetIndex + ") = " + (isMax ? "value" : "value * " + reciprocal) + ";");
        }
    }

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

}
