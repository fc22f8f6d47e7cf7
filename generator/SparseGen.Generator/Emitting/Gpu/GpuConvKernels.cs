using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Gpu;

/// <summary>
/// Convolution kernels. A thread computes one output pixel of one sample (or one pooled pixel, computing
/// the conv at each position of its window when a pool is fused): unrolled, for every output channel of
/// its block, with literal weights; table-driven, for the one output channel its index selects, which is
/// the same across the warp (channel is the slowest-varying part of the index).
/// </summary>
internal static class GpuConvKernels
{
    public static void Emit(GpuLayer layer, ConvOperation conv, GpuStrategy strategy, PoolOperation? pool)
    {
        var geometry = new ConvGeometry(conv, layer.ShapeOf(conv.Input), layer.ShapeOf(conv.Output));
        var written = pool is null ? conv.Output : pool.Output;
        var writtenShape = layer.ShapeOf(written);
        var plane = writtenShape[1] * writtenShape[2];
        if (strategy == GpuStrategy.Unrolled)
        {
            Unrolled(layer, conv, geometry, pool, written, plane);
        }
        else
        {
            Table(layer, conv, geometry, pool, written, plane);
        }
    }

    private static void Unrolled(GpuLayer layer, ConvOperation conv, ConvGeometry geometry, PoolOperation? pool, string written, int plane)
    {
        var taps = Enumerable.Range(0, conv.OutputChannels).Select(m => geometry.TapsOf(m).ToList()).ToList();
        var channels = taps.Select(list => (IReadOnlyList<UnrolledTerm>)list.Select(t => new UnrolledTerm(LoadKey(t), t.Weight)).ToList()).ToList();
        var blocks = UnrolledBlocks.Form(channels, layer.Options, 12);
        var writtenLength = layer.LengthOf(written);
        for (var b = 0; b < blocks.Count; b++)
        {
            var (start, end) = blocks[b];
            var method = layer.MethodName + (blocks.Count == 1 ? "" : "Block" + Literals.Int(b + 1));
            var k = layer.Builder.Kernels;
            k.Line("// " + layer.Title + (blocks.Count == 1 ? "" : " · output channels " + Literals.Int(start) + "–" + Literals.Int(end - 1)));
            using (layer.Builder.Kernel(method, KernelShape.Unary))
            {
                PixelOf(k, "i", plane, layer.ShapeOf(written)[2]);
                k.Line("int xs = " + IndexExpression.Of(0, (layer.LengthOf(conv.Input), "n")) + ";");
                k.Line("int ys = " + IndexExpression.Of(0, (writtenLength, "n"), (1, "p")) + ";");
                var outputs = Enumerable.Range(0, end - start).ToList();
                Window(k, pool, outputs, () =>
                {
                    var loads = UnrolledBlocks.Loads(channels, start, end);
                    var tapOf = taps.Skip(start).Take(end - start).SelectMany(list => list).GroupBy(LoadKey).ToDictionary(g => g.Key, g => g.First());
                    var conditions = Conditions(k, geometry, tapOf.Values);
                    foreach (var m in outputs)
                    {
                        var bias = conv.Bias is null ? 0f : conv.Bias[start + m];
                        k.Line("float a" + Literals.Int(m) + " = " + Literals.Float(bias == 0f ? 0f : bias) + ";");
                    }

                    if (loads.Count > 0)
                    {
                        k.Line("float v;");
                    }

                    foreach (var (key, updates) in loads)
                    {
                        k.Line("v = " + Load(tapOf[key], conditions) + ";");
                        foreach (var (channel, weight) in updates)
                        {
                            k.Line(UnrolledBlocks.Update(channel, weight));
                        }
                    }

                    return outputs.Select(m => GpuActivation.Apply(conv.Activation, "a" + Literals.Int(m))).ToList();
                },
                (m, value) => "y[" + IndexExpression.Of((long)(start + m) * plane, (1, "ys")) + "] = " + value + ";");
            }

            k.Line();
            layer.Builder.Launch(method, KernelShape.Unary, "batch * " + Literals.Int(plane), layer.View(conv.Input), layer.View(written));
        }
    }

    private static void Table(GpuLayer layer, ConvOperation conv, ConvGeometry geometry, PoolOperation? pool, string written, int plane)
    {
        var outputs = conv.OutputChannels;
        var floats = new List<float>();
        var ints = new List<int>();
        var allTaps = new List<ConvTap>();
        for (var m = 0; m < outputs; m++)
        {
            floats.Add(conv.Bias is null ? 0f : conv.Bias[m]);
        }

        for (var m = 0; m < outputs; m++)
        {
            ints.Add(allTaps.Count);
            allTaps.AddRange(geometry.TapsOf(m));
        }

        ints.Add(allTaps.Count);
        foreach (var tap in allTaps)
        {
            floats.Add(tap.Weight);
            ints.AddRange(new[] { tap.InputBase, tap.RowStart, tap.RowEnd, tap.ColumnStart, tap.ColumnEnd });
        }

        var checks = allTaps.Any(t => t.RowStart > 0 || t.RowEnd < geometry.OutputHeight || t.ColumnStart > 0 || t.ColumnEnd < geometry.OutputWidth);
        var weights = layer.Builder.FloatTable(layer.TableName("Weights"), floats);
        var tapTable = layer.Builder.IntTable(layer.TableName("Taps"), ints);
        var method = layer.MethodName;
        var k = layer.Builder.Kernels;
        k.Line("// " + layer.Title);
        k.Line("// weights: " + Literals.Int(outputs) + " biases, then one weight per nonzero; taps: where each channel's nonzeros start, then per nonzero its input offset and the output rows and columns it reaches.");
        using (layer.Builder.Kernel(method, KernelShape.Table))
        {
            k.Line("int perChannel = batch * " + Literals.Int(plane) + ";");
            k.Line("int m = i / perChannel;");
            PixelOf(k, "i - m * perChannel", plane, layer.ShapeOf(written)[2]);
            k.Line("int xs = " + IndexExpression.Of(0, (layer.LengthOf(conv.Input), "n")) + ";");
            k.Line("int ys = " + IndexExpression.Of(0, (layer.LengthOf(written), "n"), (plane, "m"), (1, "p")) + ";");
            k.Line("int first = taps[m];");
            k.Line("int end = taps[m + 1];");
            k.Line("float bias = weights[m];");
            Window(k, pool, new[] { 0 }, () =>
            {
                k.Line("int at = " + IndexExpression.Of(0, (1, "xs"), ((long)geometry.StrideH * geometry.InputWidth, "oy"), (geometry.StrideW, "ox")) + ";");
                k.Line("float a0 = bias;");
                using (k.Block("for (int t = first; t < end; t++)"))
                {
                    k.Line("int e = " + IndexExpression.Of(outputs + 1, (5, "t")) + ";");
                    var update = "a0 += weights[" + IndexExpression.Plus("t", outputs) + "] * x[at + taps[e]];";
                    if (checks)
                    {
                        using (k.Block("if (oy >= taps[e + 1] && oy < taps[e + 2] && ox >= taps[e + 3] && ox < taps[e + 4])"))
                        {
                            k.Line(update);
                        }
                    }
                    else
                    {
                        k.Line(update);
                    }
                }

                return new[] { GpuActivation.Apply(conv.Activation, "a0") };
            },
            (_, value) => "y[ys] = " + value + ";");
        }

        k.Line();
        layer.Builder.Launch(method, KernelShape.Table, Literals.Int(outputs) + " * batch * " + Literals.Int(plane), layer.View(conv.Input), layer.View(written), weights, tapTable, "batch");
    }

    /// <summary><c>n</c>, <c>p</c>, and the written pixel's row and column <c>py</c>, <c>px</c>.</summary>
    private static void PixelOf(SourceWriter k, string linear, int plane, int width)
    {
        k.Line("int q = " + linear + ";");
        k.Line("int n = q / " + Literals.Int(plane) + ";");
        k.Line("int p = " + IndexExpression.Of(0, (1, "q"), (-plane, "n")) + ";");
        k.Line("int py = p / " + Literals.Int(width) + ";");
        k.Line("int px = " + IndexExpression.Of(0, (1, "p"), (-width, "py")) + ";");
    }

    /// <summary>
    /// Runs <paramref name="body"/> for the conv output at (oy, ox): once, or at every position of the fused
    /// pool's window, folding the activated values into the pooled ones. Then stores each output.
    /// </summary>
    private static void Window(SourceWriter k, PoolOperation? pool, IReadOnlyList<int> outputs, System.Func<IReadOnlyList<string>> body, System.Func<int, string, string> store)
    {
        if (pool is null)
        {
            k.Line("int oy = py;");
            k.Line("int ox = px;");
            var values = body();
            foreach (var m in outputs)
            {
                k.Line(store(m, values[m]));
            }

            return;
        }

        var isMax = pool.Kind == PoolKind.Max;
        foreach (var m in outputs)
        {
            k.Line("float o" + Literals.Int(m) + " = 0f;");
        }

        k.Line("// " + pool.OpType + " " + Literals.Int(pool.Kernel[0]) + "×" + Literals.Int(pool.Kernel[1]) + " fused: the conv at each position of the window.");
        using (k.Block("for (int wy = 0; wy < " + Literals.Int(pool.Kernel[0]) + "; wy++)"))
        using (k.Block("for (int wx = 0; wx < " + Literals.Int(pool.Kernel[1]) + "; wx++)"))
        {
            k.Line("int oy = " + IndexExpression.Of(0, (pool.Strides[0], "py"), (1, "wy")) + ";");
            k.Line("int ox = " + IndexExpression.Of(0, (pool.Strides[1], "px"), (1, "wx")) + ";");
            var values = body();
            foreach (var m in outputs)
            {
                var o = "o" + Literals.Int(m);
                var r = "f" + Literals.Int(m);
                k.Line("float " + r + " = " + values[m] + ";");
                k.Line(isMax
                    ? o + " = (wy == 0 && wx == 0) || " + r + " > " + o + " ? " + r + " : " + o + ";"
                    : o + " += " + r + ";");
            }
        }

        var divisor = Literals.Float(pool.Kernel[0] * pool.Kernel[1]);
        foreach (var m in outputs)
        {
            k.Line(store(m, isMax ? "o" + Literals.Int(m) : "o" + Literals.Int(m) + " / " + divisor));
        }
    }

    private static long LoadKey(ConvTap tap) => ((long)tap.InputBase << 20) + tap.Window;

    /// <summary>Declares one bool per distinct row or column bound the taps need; returns each tap's condition.</summary>
    private static Dictionary<ConvTap, string> Conditions(SourceWriter k, ConvGeometry geometry, IEnumerable<ConvTap> taps)
    {
        var names = new Dictionary<string, string>();
        var result = new Dictionary<ConvTap, string>();
        string Name(string test, string prefix)
        {
            if (!names.TryGetValue(test, out var name))
            {
                name = prefix + Literals.Int(names.Count);
                names[test] = name;
                k.Line("bool " + name + " = " + test + ";");
            }

            return name;
        }

        k.Line("int at = " + IndexExpression.Of(0, (1, "xs"), ((long)geometry.StrideH * geometry.InputWidth, "oy"), (geometry.StrideW, "ox")) + ";");
        foreach (var tap in taps.OrderBy(t => t.InputBase))
        {
            var parts = new List<string>();
            if (tap.RowStart > 0 || tap.RowEnd < geometry.OutputHeight)
            {
                parts.Add(Name(Range("oy", tap.RowStart, tap.RowEnd, geometry.OutputHeight), "row"));
            }

            if (tap.ColumnStart > 0 || tap.ColumnEnd < geometry.OutputWidth)
            {
                parts.Add(Name(Range("ox", tap.ColumnStart, tap.ColumnEnd, geometry.OutputWidth), "column"));
            }

            result[tap] = string.Join(" && ", parts);
        }

        return result;
    }

    private static string Range(string variable, int start, int end, int length)
    {
        var parts = new List<string>();
        if (start > 0)
        {
            parts.Add(variable + " >= " + Literals.Int(start));
        }

        if (end < length)
        {
            parts.Add(variable + " < " + Literals.Int(end));
        }

        return string.Join(" && ", parts);
    }

    private static string Load(ConvTap tap, Dictionary<ConvTap, string> conditions)
    {
        var load = "x[" + IndexExpression.Plus("at", tap.InputBase) + "]";
        return conditions[tap].Length == 0 ? load : conditions[tap] + " ? " + load + " : 0f";
    }
}
