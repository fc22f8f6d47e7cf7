using System;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>Kernels that touch each element once: Add, AddConstant, activations, BatchNorm, GlobalAveragePool.</summary>
internal static class ElementwiseKernelEmitter
{
    /// <summary>
    /// A fused activation over a whole output, after the layer has summed it; in SIMD lanes where the piece goes into
    /// lanes methods (<paramref name="inLanes"/>) and the activation has lanes.
    /// </summary>
    public static CodePiece ActivateInPlace(KernelClassBuilder kernels, Activation activation, string span, int length, bool inLanes) =>
        CodePiece.Write(writer =>
        {
            writer.Line("// " + activation);
            if (inLanes && HasLanes(activation))
            {
                writer.Statement(ActivateLanesCall(activation, span, span));
                return;
            }

            using (writer.Block(ConvKernelEmitter.Loop("i", 0, length)))
            {
                writer.Statement(span + "[i] = " + ActivationExpressions.Apply(activation, span + "[i]", kernels) + ";");
            }
        });

    /// <summary>Whether the generated <c>ActivateLanes</c> helper has the activation in SIMD lanes.</summary>
    private static bool HasLanes(Activation activation) => activation.Kind is ActivationKind.Relu or ActivationKind.Clip;

    private static string ActivateLanesCall(Activation activation, string source, string target) =>
        RuntimeNames.Kernel("ActivateLanes") + "(" + source + ", " + target + ", " + (activation.Kind == ActivationKind.Relu ? "true, 0f, 0f" : "false, " + Literals.Float(activation.Min) + ", " + Literals.Float(activation.Max)) + ");";

    public static void EmitAdd(LayerContext layer, AddOperation add)
    {
        if (add.Activation.Kind is ActivationKind.None || HasLanes(add.Activation))
        {
            EmitSimdAdd(layer, add);
            return;
        }

        var methods = layer.Methods(new[]
        {
            layer.SpanLocal("left", add.Left), layer.SpanLocal("right", add.Right), layer.SpanLocal("y", add.Output),
        });
        methods.Add(CodePiece.Write(writer =>
        {
            using (writer.Block(ConvKernelEmitter.Loop("i", 0, layer.LengthOf(add.Output))))
            {
                writer.Statement("y[i] = " + ActivationExpressions.Apply(add.Activation, "left[i] + right[i]", layer.Kernels) + ";");
            }
        }));
        methods.Finish();
    }

    /// <summary>Add with no activation, a Relu or a Clip, in SIMD lanes (1·left + right is left + right, rounded once), a scalar tail.</summary>
    private static void EmitSimdAdd(LayerContext layer, AddOperation add)
    {
        var length = layer.LengthOf(add.Output);
        var activated = add.Activation.Kind switch
        {
            ActivationKind.Relu => "lanes.Relu(sum)",
            ActivationKind.Clip => "lanes.Clip(sum, lanes.Splat(" + Literals.Float(add.Activation.Min) + "), lanes.Splat(" + Literals.Float(add.Activation.Max) + "))",
            _ => "sum",
        };
        var methods = layer.LaneMethods(new[]
        {
            layer.SpanLocal("left", add.Left), layer.SpanLocal("right", add.Right), layer.SpanLocal("y", add.Output),
        });
        methods.Add(CodePiece.Write(writer =>
        {
            writer.Statement("TLanes lanes = default;");
            writer.Statement("V one = lanes.Splat(1f);");
            writer.Statement("ref float l = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(left);");
            writer.Statement("ref float r = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(right);");
            writer.Statement("ref float o = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(y);");
            writer.Statement("int i = 0;");
            using (writer.Block("for (; i <= " + Literals.Int(length) + " - lanes.Count; i += lanes.Count)"))
            {
                writer.Statement("V sum = lanes.MultiplyAdd(one, lanes.Load(ref l, i), lanes.Load(ref r, i));");
                writer.Statement("lanes.Store(" + activated + ", ref o, i);");
            }

            using (writer.Block("for (; i < " + Literals.Int(length) + "; i++)"))
            {
                writer.Statement("y[i] = " + ActivationExpressions.Apply(add.Activation, "left[i] + right[i]", layer.Kernels) + ";");
            }
        }));
        methods.Finish();
    }

    public static void EmitAddConstant(LayerContext layer, AddConstantOperation add)
    {
        var table = layer.TableName("Constant");
        layer.Kernels.FloatTable(table, add.Constant.Data);
        var methods = layer.Methods(new[] { layer.SpanLocal("x", add.Input), layer.SpanLocal("y", add.Output) });
        methods.Add(CodePiece.Write(writer =>
        {
            writer.Statement("var constant = " + table + ";");
            using (writer.Block(ConvKernelEmitter.Loop("i", 0, layer.LengthOf(add.Output))))
            {
                writer.Statement("y[i] = x[i] + constant[i];");
            }
        }));
        methods.Finish();
    }

    public static void EmitActivation(LayerContext layer, ActivationOperation activation)
    {
        if (HasLanes(activation.Activation))
        {
            var lanes = layer.LaneMethods(new[] { layer.SpanLocal("x", activation.Input), layer.SpanLocal("y", activation.Output) });
            lanes.Add(CodePiece.Write(writer => writer.Statement(ActivateLanesCall(activation.Activation, "x", "y"))));
            lanes.Finish();
            return;
        }

        var methods = layer.Methods(new[] { layer.SpanLocal("x", activation.Input), layer.SpanLocal("y", activation.Output) });
        methods.Add(CodePiece.Write(writer =>
        {
            using (writer.Block(ConvKernelEmitter.Loop("i", 0, layer.LengthOf(activation.Output))))
            {
                writer.Statement("y[i] = " + ActivationExpressions.Apply(activation.Activation, "x[i]", layer.Kernels) + ";");
            }
        }));
        methods.Finish();
    }

    /// <summary>
    /// y = (x − mean)·scale/√(var + ε) + bias per channel, the factor computed here in double as the reference does; a
    /// channel of several values goes through <c>NormalizeLanes</c> (vectors, then a scalar tail), a single value is one statement.
    /// </summary>
    public static void EmitBatchNorm(LayerContext layer, BatchNormOperation batchNorm)
    {
        var perChannel = layer.LengthOf(batchNorm.Output) / batchNorm.Channels;
        var locals = new[] { layer.SpanLocal("x", batchNorm.Input), layer.SpanLocal("y", batchNorm.Output) };
        var methods = perChannel == 1 ? layer.Methods(locals) : layer.LaneMethods(locals);
        for (var c = 0; c < batchNorm.Channels; c++)
        {
            var factor = Literals.Float((float)(batchNorm.Scale[c] / Math.Sqrt(batchNorm.Variance[c] + (double)batchNorm.Epsilon)));
            var mean = Literals.Float(batchNorm.Mean[c]);
            var bias = Literals.Float(batchNorm.Bias[c]);
            var start = c * perChannel;
            methods.Add(CodePiece.Write(writer => writer.Statement(perChannel == 1
                ? "y[" + Literals.Int(start) + "] = (x[" + Literals.Int(start) + "] - " + mean + ") * " + factor + " + " + bias + ";"
                : RuntimeNames.Kernel("NormalizeLanes") + "(x.Slice(" + Literals.Int(start) + ", " + Literals.Int(perChannel) + "), y.Slice(" + Literals.Int(start) + ", "
                    + Literals.Int(perChannel) + "), " + mean + ", " + factor + ", " + bias + ");")));
        }

        methods.Finish();
    }

    public static void EmitGlobalAveragePool(LayerContext layer, GlobalAveragePoolOperation pool)
    {
        var shape = layer.ShapeOf(pool.Input);
        var plane = shape[1] * shape[2];
        var methods = layer.Methods(new[] { layer.SpanLocal("x", pool.Input), layer.SpanLocal("y", pool.Output) });
        methods.Add(CodePiece.Write(writer =>
        {
            using (writer.Block(ConvKernelEmitter.Loop("c", 0, shape[0])))
            {
                writer.Statement("y[c] = (float)(" + RuntimeNames.Scalar + "SumInDouble(x.Slice(" + IndexExpression.Of(0, (plane, "c")) + ", " + Literals.Int(plane) + ")) / " + Literals.Int(plane) + ");");
            }
        }));
        methods.Finish();
    }
}
