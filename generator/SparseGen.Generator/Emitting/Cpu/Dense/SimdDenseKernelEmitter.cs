using System;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// Fully connected layers with outputs in SIMD lanes: the weights, zeros included, are a static table
/// stored input-major with the outputs padded to whole strips (<c>weights[k · padded + m]</c>), so every
/// input broadcasts once and multiplies K contiguous vectors of weights into K accumulators. No
/// horizontal sums, and the table streams through once per strip.
/// </summary>
internal static class SimdDenseKernelEmitter
{
    public static void Emit(LayerContext layer, DenseOperation dense)
    {
        int inFeatures = dense.InputFeatures, outFeatures = dense.OutputFeatures;
        var rows = layer.LengthOf(dense.Output) / outFeatures;
        var accumulators = SimdDenseLayout.Accumulators(outFeatures);
        var padded = SimdDenseLayout.PaddedOutputs(outFeatures);
        var hasBias = DeclareTables(layer, dense, padded);
        var relu = dense.Activation.Kind == ActivationKind.Relu;
        var skipZeroInputs = layer.Plan.SkipsZeroInputs(dense);
        var methods = layer.LaneMethods(new[]
        {
            layer.SpanLocal("x", dense.Input),
            layer.SpanLocal("y", dense.Output),
            "TLanes lanes = default;",
            "int strip = " + Literals.Int(accumulators) + " * lanes.Count;",
            "ref float wide = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(arena), " + Literals.Int(layer.Scratch.Own!.Value.Offset) + ");",
        });
        methods.Add(CodePiece.Write(writer =>
        {
            writer.Line("// weights[k * " + Literals.Int(padded) + " + m]: input-major, outputs padded with zeros to " + Literals.Int(padded) + "; strips of " + Literals.Int(accumulators) + " vectors");
            writer.Statement("ref float weights = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(" + layer.TableName("Weights") + ");");
            if (hasBias)
            {
                writer.Statement("ref float bias = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(" + layer.TableName("Bias") + ");");
            }

            writer.Statement("ref float inputs = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(x);");
            if (skipZeroInputs)
            {
                writer.Line("// The inputs come after a Relu, which leaves many at zero, and a zero input adds nothing (every weight is finite):");
                writer.Line("// the kernel gathers the others' indices and streams only their rows of the table.");
                writer.Statement("global::System.Span<int> live = stackalloc int[" + Literals.Int(inFeatures) + "];");
                writer.Statement("ref int liveInputs = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(live);");
            }

            using (writer.Block(ConvKernelEmitter.Loop("r", 0, rows)))
            {
                if (skipZeroInputs)
                {
                    WriteGatherLiveInputs(writer, inFeatures);
                }

                using (writer.Block("for (int p = 0; p < " + Literals.Int(outFeatures) + "; p += strip)"))
                {
                    WriteStrip(writer, inFeatures, padded, accumulators, hasBias, skipZeroInputs);
                }

                writer.Statement(RuntimeNames.Kernel("StoreRows") + "(ref wide, y, " + IndexExpression.Of(0, (outFeatures, "r")) + ", 1, " + Literals.Int(outFeatures) + ", "
                    + Literals.Int(padded) + ", " + (relu ? "true" : "false") + ", y.Length);");
            }
        }));

        if (dense.Activation.Kind is not (ActivationKind.None or ActivationKind.Relu))
        {
            methods.Add(ElementwiseKernelEmitter.ActivateInPlace(layer.Kernels, dense.Activation, "y", layer.LengthOf(dense.Output), inLanes: true));
        }

        methods.Finish();
    }

    /// <summary>The weight table (input-major, outputs padded to <paramref name="padded"/>) and, where some bias is not zero, the bias; whether there is one.</summary>
    private static bool DeclareTables(LayerContext layer, DenseOperation dense, int padded)
    {
        int inFeatures = dense.InputFeatures, outFeatures = dense.OutputFeatures;
        var table = new float[(long)inFeatures * padded];
        for (var m = 0; m < outFeatures; m++)
        {
            for (var k = 0; k < inFeatures; k++)
            {
                table[((long)k * padded) + m] = dense.Weight.Data[((long)m * inFeatures) + k];
            }
        }

        layer.Kernels.FloatTable(layer.TableName("Weights"), table);
        if (!CompressedRows.HasNonZeroBias(dense))
        {
            return false;
        }

        var bias = new float[padded];
        Array.Copy(dense.Bias!, bias, outFeatures);
        layer.Kernels.FloatTable(layer.TableName("Bias"), bias);
        return true;
    }

    /// <summary>The indices of row r's nonzero inputs into <c>liveInputs</c>, their number into <c>count</c>.</summary>
    private static void WriteGatherLiveInputs(SourceWriter writer, int inFeatures)
    {
        writer.Statement("int count = 0;");
        using (writer.Block(ConvKernelEmitter.Loop("k", 0, inFeatures)))
        {
            writer.Statement("global::System.Runtime.CompilerServices.Unsafe.Add(ref liveInputs, count) = k;");
            writer.Statement("count += global::System.Runtime.CompilerServices.Unsafe.Add(ref inputs, " + IndexExpression.Of(0, (inFeatures, "r"), (1, "k")) + ") != 0f ? 1 : 0;");
        }
    }

    /// <summary>One strip of outputs p …: its accumulators, every (live) input's row of weights multiplied in, and the store into wide.</summary>
    private static void WriteStrip(SourceWriter writer, int inFeatures, int padded, int accumulators, bool hasBias, bool skipZeroInputs)
    {
        var names = Enumerable.Range(0, accumulators).Select(k => "a" + Literals.Int(k)).ToArray();
        var input = "lanes.Splat(global::System.Runtime.CompilerServices.Unsafe.Add(ref inputs, " + IndexExpression.Of(0, (inFeatures, "r"), (1, "k")) + "))";
        void WriteMultiplyAdds() =>
            writer.Statements(names.Select((a, k) => a + " = lanes.MultiplyAdd(v, lanes.Load(ref row, " + (k == 0 ? "0" : Lane(k).Substring(3)) + "), " + a + ");").ToArray());

        writer.Statements(names.Select((a, k) => "V " + a + " = " + (hasBias ? "lanes.Load(ref bias, p" + Lane(k) + ")" : "lanes.Splat(0f)") + ";").ToArray());
        if (skipZeroInputs)
        {
            writer.Statement("ref float strip0 = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref weights, p);");
            using (writer.Block("for (int n = 0; n < count; n++)"))
            {
                writer.Statement("int k = global::System.Runtime.CompilerServices.Unsafe.Add(ref liveInputs, n);");
                writer.Statement("V v = " + input + ";");
                writer.Statement("ref float row = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref strip0, k * " + Literals.Int(padded) + ");");
                WriteMultiplyAdds();
            }
        }
        else
        {
            writer.Statement("ref float row = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref weights, p);");
            using (writer.Block(ConvKernelEmitter.Loop("k", 0, inFeatures)))
            {
                writer.Statement("V v = " + input + ";");
                WriteMultiplyAdds();
                writer.Statement("row = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref row, " + Literals.Int(padded) + ");");
            }
        }

        writer.Statements(names.Select((a, k) => "lanes.Store(" + a + ", ref wide, p" + Lane(k) + ");").ToArray());
    }

    private static string Lane(int k) => k == 0 ? "" : k == 1 ? " + lanes.Count" : " + " + Literals.Int(k) + " * lanes.Count";
}
