using System;
using System.Collections.Generic;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Gpu;

/// <summary>
/// Kernels of the ops without weights: one thread per output element (Add, AddConstant, activations,
/// BatchNorm, pools), per channel (GlobalAveragePool) or per softmax row. Sums are in float here (the
/// reference evaluator sums in double; the windows are small).
/// </summary>
internal static class GpuElementwiseKernels
{
    public static void EmitAdd(GpuLayer layer, AddOperation add)
    {
        var k = Begin(layer, KernelShape.Binary);
        using (layer.Builder.Kernel(layer.MethodName, KernelShape.Binary))
        {
            k.Line("z[i] = " + GpuActivation.Apply(add.Activation, "x[i] + y[i]") + ";");
        }

        End(layer, KernelShape.Binary, layer.LengthOf(add.Output), layer.View(add.Left), layer.View(add.Right), layer.View(add.Output));
    }

    public static void EmitAddConstant(GpuLayer layer, AddConstantOperation add)
    {
        var length = layer.LengthOf(add.Output);
        var table = layer.Builder.FloatTable(layer.TableName("Constant"), add.Constant.Data);
        var k = Begin(layer, KernelShape.Binary);
        using (layer.Builder.Kernel(layer.MethodName, KernelShape.Binary))
        {
            k.Line("y[i] = x[i] + z[i % " + Literals.Int(length) + "];");
        }

        End(layer, KernelShape.Binary, length, layer.View(add.Input), layer.View(add.Output), table);
    }

    public static void EmitActivation(GpuLayer layer, ActivationOperation activation)
    {
        var k = Begin(layer, KernelShape.Unary);
        using (layer.Builder.Kernel(layer.MethodName, KernelShape.Unary))
        {
            k.Line("y[i] = " + GpuActivation.Apply(activation.Activation, "x[i]") + ";");
        }

        End(layer, KernelShape.Unary, layer.LengthOf(activation.Output), layer.View(activation.Input), layer.View(activation.Output));
    }

    /// <summary>y = (x − mean)·factor + bias, factor = scale/√(var + ε) computed here in double as the reference does; the three per channel in a table.</summary>
    public static void EmitBatchNorm(GpuLayer layer, BatchNormOperation batchNorm)
    {
        var channels = batchNorm.Channels;
        var perChannel = layer.LengthOf(batchNorm.Output) / channels;
        var values = new float[3 * channels];
        for (var c = 0; c < channels; c++)
        {
            values[c] = batchNorm.Mean[c];
            values[channels + c] = (float)(batchNorm.Scale[c] / Math.Sqrt(batchNorm.Variance[c] + (double)batchNorm.Epsilon));
            values[(2 * channels) + c] = batchNorm.Bias[c];
        }

        var table = layer.Builder.FloatTable(layer.TableName("MeanFactorBias"), values);
        var k = Begin(layer, KernelShape.Binary);
        using (layer.Builder.Kernel(layer.MethodName, KernelShape.Binary))
        {
            k.Line("int c = " + (perChannel == 1 ? "i" : "i / " + Literals.Int(perChannel)) + " % " + Literals.Int(channels) + ";");
            k.Line("y[i] = (x[i] - z[c]) * z[" + IndexExpression.Plus("c", channels) + "] + z[" + IndexExpression.Plus("c", 2L * channels) + "];");
        }

        End(layer, KernelShape.Binary, layer.LengthOf(batchNorm.Output), layer.View(batchNorm.Input), layer.View(batchNorm.Output), table);
    }

    public static void EmitGlobalAveragePool(GpuLayer layer, GlobalAveragePoolOperation pool)
    {
        var shape = layer.ShapeOf(pool.Input);
        var plane = shape[1] * shape[2];
        var k = Begin(layer, KernelShape.Unary);
        using (layer.Builder.Kernel(layer.MethodName, KernelShape.Unary))
        {
            k.Line("int first = " + IndexExpression.Of(0, (plane, "i")) + ";");
            k.Line("float sum = 0f;");
            using (k.Block("for (int j = 0; j < " + Literals.Int(plane) + "; j++)"))
            {
                k.Line("sum += x[first + j];");
            }

            k.Line("y[i] = sum / " + Literals.Float(plane) + ";");
        }

        End(layer, KernelShape.Unary, shape[0], layer.View(pool.Input), layer.View(pool.Output));
    }

    /// <summary>Max and average pooling with the reference evaluator's window rules (see PoolKernelEmitter).</summary>
    public static void EmitPool(GpuLayer layer, PoolOperation pool)
    {
        var input = layer.ShapeOf(pool.Input);
        var output = layer.ShapeOf(pool.Output);
        int height = input[1], width = input[2], outHeight = output[1], outWidth = output[2];
        var isMax = pool.Kind == PoolKind.Max;
        var k = Begin(layer, KernelShape.Unary);
        using (layer.Builder.Kernel(layer.MethodName, KernelShape.Unary))
        {
            k.Line("int plane = i / " + Literals.Int(outHeight * outWidth) + ";");
            k.Line("int p = " + IndexExpression.Of(0, (1, "i"), (-outHeight * outWidth, "plane")) + ";");
            k.Line("int oy = p / " + Literals.Int(outWidth) + ";");
            k.Line("int ox = " + IndexExpression.Of(0, (1, "p"), (-outWidth, "oy")) + ";");
            k.Line("int xs = " + IndexExpression.Of(0, (height * width, "plane")) + ";");
            k.Line("int top = " + IndexExpression.Of(-pool.Pads[0], (pool.Strides[0], "oy")) + ";");
            k.Line("int left = " + IndexExpression.Of(-pool.Pads[1], (pool.Strides[1], "ox")) + ";");
            k.Line("float max = float.MinValue;");
            k.Line("float sum = 0f;");
            k.Line("int count = 0;");
            using (k.Block("for (int ky = 0; ky < " + Literals.Int(pool.Kernel[0]) + "; ky++)"))
            {
                k.Line("int iy = " + IndexExpression.Of(0, (1, "top"), (pool.Dilations[0], "ky")) + ";");
                using (k.Block("for (int kx = 0; kx < " + Literals.Int(pool.Kernel[1]) + "; kx++)"))
                {
                    k.Line("int ix = " + IndexExpression.Of(0, (1, "left"), (pool.Dilations[1], "kx")) + ";");
                    using (k.Block("if (iy >= 0 && iy < " + Literals.Int(height) + " && ix >= 0 && ix < " + Literals.Int(width) + ")"))
                    {
                        k.Line("float v = x[" + IndexExpression.Of(0, (1, "xs"), (width, "iy"), (1, "ix")) + "];");
                        k.Line("// The first element is taken as is; a NaN, once taken, stays.");
                        k.Line("max = count == 0 || v > max || float.IsNaN(v) ? v : max;");
                        k.Line("sum += v;");
                        k.Line("count++;");
                    }
                }
            }

            if (isMax)
            {
                k.Line("y[i] = max;");
            }
            else if (pool.CountIncludePad)
            {
                // Taps inside the padded input: windows start inside it, so the limit minus the start is positive.
                k.Line("int rows = " + TapsBefore(pool.Kernel[0], pool.Dilations[0], height + pool.Pads[2], "top") + ";");
                k.Line("int columns = " + TapsBefore(pool.Kernel[1], pool.Dilations[1], width + pool.Pads[3], "left") + ";");
                k.Line("y[i] = count == 0 ? 0f : sum / (rows * columns);");
            }
            else
            {
                k.Line("y[i] = count == 0 ? 0f : sum / count;");
            }
        }

        End(layer, KernelShape.Unary, layer.LengthOf(pool.Output), layer.View(pool.Input), layer.View(pool.Output));
    }

    /// <summary>Softmax over one axis (or every axis from it on), the maximum subtracted first.</summary>
    public static void EmitSoftmax(GpuLayer layer, SoftmaxOperation softmax)
    {
        var shape = layer.ShapeOf(softmax.Input);
        var axis = softmax.Axis - 1;
        var axisLength = softmax.CoerceTo2D ? Product(shape, axis, shape.Length) : shape[axis];
        var inner = softmax.CoerceTo2D ? 1 : Product(shape, axis + 1, shape.Length);
        var rows = layer.LengthOf(softmax.Input) / axisLength;
        var k = Begin(layer, KernelShape.Unary);
        using (layer.Builder.Kernel(layer.MethodName, KernelShape.Unary))
        {
            k.Line("int g = i / " + Literals.Int(inner) + ";");
            k.Line("int first = " + IndexExpression.Of(0, ((long)axisLength * inner, "g"), (1, "i"), (-inner, "g")) + ";");
            var index = "first + j * " + Literals.Int(inner);
            k.Line("float max = float.NegativeInfinity;");
            using (k.Block("for (int j = 0; j < " + Literals.Int(axisLength) + "; j++)"))
            {
                k.Line("float v = x[" + index + "];");
                k.Line("max = v > max || float.IsNaN(v) ? v : max;");
            }

            k.Line("float sum = 0f;");
            using (k.Block("for (int j = 0; j < " + Literals.Int(axisLength) + "; j++)"))
            {
                k.Line("float e = Exp(x[" + index + "] - max);");
                k.Line("y[" + index + "] = e;");
                k.Line("sum += e;");
            }

            using (k.Block("for (int j = 0; j < " + Literals.Int(axisLength) + "; j++)"))
            {
                k.Line("y[" + index + "] = y[" + index + "] / sum;");
            }
        }

        End(layer, KernelShape.Unary, rows, layer.View(softmax.Input), layer.View(softmax.Output));
    }

    private static SourceWriter Begin(GpuLayer layer, KernelShape shape)
    {
        layer.Builder.Kernels.Line("// " + layer.Title);
        return layer.Builder.Kernels;
    }

    private static void End(GpuLayer layer, KernelShape shape, int perSample, params string[] arguments)
    {
        layer.Builder.Kernels.Line();
        layer.Builder.Launch(layer.MethodName, shape, IndexExpression.Of(0, (perSample, "batch")), arguments);
    }

    private static string TapsBefore(int kernel, int dilation, int limit, string start) =>
        "global::System.Math.Min(" + Literals.Int(kernel) + ", (" + IndexExpression.Of(limit + dilation - 1, (-1, start)) + ") / " + Literals.Int(dilation) + ")";

    private static int Product(int[] shape, int from, int to)
    {
        var product = 1;
        for (var i = from; i < to; i++)
        {
            product *= shape[i];
        }

        return product;
    }
}
