using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Gpu;

/// <summary>
/// Fully connected kernels over every row r of the leading axes of every sample: y[r, m] = act(b[m] + Σ W[m, k]·x[r, k]).
/// Unrolled: a thread per row computes the outputs of its block with literal weights, each input loaded once.
/// Table-driven: a thread per (output, row), output slowest-varying, walks that output's nonzeros.
/// </summary>
internal static class GpuDenseKernels
{
    public static void Emit(GpuLayer layer, DenseOperation dense, GpuStrategy strategy)
    {
        if (strategy == GpuStrategy.Unrolled)
        {
            Unrolled(layer, dense);
        }
        else
        {
            Table(layer, dense);
        }
    }

    private static void Unrolled(GpuLayer layer, DenseOperation dense)
    {
        int inFeatures = dense.InputFeatures, outFeatures = dense.OutputFeatures;
        var rows = layer.LengthOf(dense.Output) / outFeatures;
        var channels = Enumerable.Range(0, outFeatures)
            .Select(m => (IReadOnlyList<UnrolledTerm>)Enumerable.Range(0, inFeatures)
                .Where(k => dense.Weight.Data[(m * inFeatures) + k] != 0f)
                .Select(k => new UnrolledTerm(k, dense.Weight.Data[(m * inFeatures) + k]))
                .ToList())
            .ToList();
        var blocks = UnrolledBlocks.Form(channels, layer.Options, 6);
        var k = layer.Builder.Kernels;
        for (var b = 0; b < blocks.Count; b++)
        {
            var (start, end) = blocks[b];
            var method = layer.MethodName + (blocks.Count == 1 ? "" : "Block" + Literals.Int(b + 1));
            k.Line("// " + layer.Title + (blocks.Count == 1 ? "" : " · outputs " + Literals.Int(start) + "–" + Literals.Int(end - 1)));
            using (layer.Builder.Kernel(method, KernelShape.Unary))
            {
                k.Line("int xr = " + IndexExpression.Of(0, (inFeatures, "i")) + ";");
                k.Line("int yr = " + IndexExpression.Of(0, (outFeatures, "i")) + ";");
                for (var m = start; m < end; m++)
                {
                    var bias = dense.Bias is null ? 0f : dense.Bias[m];
                    k.Line("float a" + Literals.Int(m - start) + " = " + Literals.Float(bias == 0f ? 0f : bias) + ";");
                }

                var loads = UnrolledBlocks.Loads(channels, start, end);
                if (loads.Count > 0)
                {
                    k.Line("float v;");
                }

                foreach (var (feature, updates) in loads)
                {
                    k.Line("v = x[" + IndexExpression.Plus("xr", feature) + "];");
                    foreach (var (channel, weight) in updates)
                    {
                        k.Line(UnrolledBlocks.Update(channel, weight));
                    }
                }

                for (var m = start; m < end; m++)
                {
                    k.Line("y[" + IndexExpression.Plus("yr", m) + "] = " + GpuActivation.Apply(dense.Activation, "a" + Literals.Int(m - start)) + ";");
                }
            }

            k.Line();
            layer.Builder.Launch(method, KernelShape.Unary, IndexExpression.Of(0, (rows, "batch")), layer.View(dense.Input), layer.View(dense.Output));
        }
    }

    private static void Table(GpuLayer layer, DenseOperation dense)
    {
        int inFeatures = dense.InputFeatures, outFeatures = dense.OutputFeatures;
        var rows = layer.LengthOf(dense.Output) / outFeatures;
        var floats = new List<float>();
        var starts = new List<int>();
        var columns = new List<int>();
        for (var m = 0; m < outFeatures; m++)
        {
            floats.Add(dense.Bias is null ? 0f : dense.Bias[m]);
        }

        for (var m = 0; m < outFeatures; m++)
        {
            starts.Add(columns.Count);
            for (var f = 0; f < inFeatures; f++)
            {
                var weight = dense.Weight.Data[(m * inFeatures) + f];
                if (weight != 0f)
                {
                    floats.Add(weight);
                    columns.Add(f);
                }
            }
        }

        starts.Add(columns.Count);
        var weights = layer.Builder.FloatTable(layer.TableName("Weights"), floats);
        var taps = layer.Builder.IntTable(layer.TableName("Columns"), starts.Concat(columns).ToList());
        var k = layer.Builder.Kernels;
        k.Line("// " + layer.Title);
        k.Line("// weights: " + Literals.Int(outFeatures) + " biases, then the nonzeros row by row; taps: where each row starts, then each nonzero's input feature.");
        using (layer.Builder.Kernel(layer.MethodName, KernelShape.Table))
        {
            k.Line("int rows = " + IndexExpression.Of(0, (rows, "batch")) + ";");
            k.Line("int m = i / rows;");
            k.Line("int r = i - m * rows;");
            k.Line("int xr = " + IndexExpression.Of(0, (inFeatures, "r")) + ";");
            k.Line("int end = taps[m + 1];");
            k.Line("float a = weights[m];");
            using (k.Block("for (int t = taps[m]; t < end; t++)"))
            {
                k.Line("a += weights[" + IndexExpression.Plus("t", outFeatures) + "] * x[xr + taps[" + IndexExpression.Plus("t", outFeatures + 1) + "]];");
            }

            k.Line("y[" + IndexExpression.Of(0, (outFeatures, "r"), (1, "m")) + "] = " + GpuActivation.Apply(dense.Activation, "a") + ";");
        }

        k.Line();
        layer.Builder.Launch(layer.MethodName, KernelShape.Table, Literals.Int(outFeatures) + " * " + IndexExpression.Of(0, (rows, "batch")), layer.View(dense.Input), layer.View(dense.Output), weights, taps, "batch");
    }
}
