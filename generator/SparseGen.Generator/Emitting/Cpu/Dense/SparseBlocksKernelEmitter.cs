using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// Fully connected layers whose weights were pruned in blocks of 16 outputs (<see cref="SparseBlocks"/>): per piece of
/// a block (a vector of lanes), every live vector of the block is one broadcast input multiplied into the piece's
/// weights, in four partial sums. A pruned block costs nothing, where compressed rows pay a load per weight and the
/// dense table streams every zero.
/// </summary>
internal static class SparseBlocksKernelEmitter
{
    public static void Emit(LayerContext layer, DenseOperation dense)
    {
        int inFeatures = dense.InputFeatures, outFeatures = dense.OutputFeatures;
        var rows = layer.LengthOf(dense.Output) / outFeatures;
        var kernels = layer.Kernels;
        var tables = SparseBlocks.Declare(layer, dense);
        var wide = layer.Scratch.Own!.Value.Offset;
        var relu = dense.Activation.Kind == ActivationKind.Relu;
        var methods = layer.LaneMethods(new[]
        {
            layer.SpanLocal("x", dense.Input),
            layer.SpanLocal("y", dense.Output),
            "TLanes lanes = default;",
            "ref float wide = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(arena), " + Literals.Int(wide) + ");",
        });
        methods.Add(CodePiece.Write(writer =>
        {
            writer.Line("// block b's live vectors: weights[(starts[b] .. starts[b + 1]) · 16 + lane], input columns[vector]; vector j into sum j mod 4;");
            writer.Line("// lane l of block b is output outputs[16 · b + l] (−1: an empty lane)");
            writer.Statement("ref int outputs = ref " + Reference + "(" + layer.TableName("Outputs") + ");");
            if (tables.Vectors > 0)
            {
                writer.Statement("ref float weights = ref " + Reference + "(" + layer.TableName("Weights") + ");");
                writer.Statement("ref int columns = ref " + Reference + "(" + layer.TableName("Columns") + ");");
                writer.Statement("ref int starts = ref " + Reference + "(" + layer.TableName("Starts") + ");");
            }

            if (tables.HasBias)
            {
                writer.Statement("ref float bias = ref " + Reference + "(" + layer.TableName("Bias") + ");");
            }

            using (writer.Block(ConvKernelEmitter.Loop("r", 0, rows)))
            {
                writer.Statement("ref float inputs = ref " + Add + "(ref " + Reference + "(x), " + IndexExpression.Of(0, (inFeatures, "r")) + ");");
                using (writer.Block("for (int m = 0; m < " + Literals.Int(tables.Lanes) + "; m += lanes.Count)"))
                {
                    var start = tables.HasBias ? "lanes.Load(ref bias, m)" : "lanes.Splat(0f)";
                    if (tables.Vectors > 0)
                    {
                        writer.Statement("int n = " + Add + "(ref starts, m >> 4), end = " + Add + "(ref starts, (m >> 4) + 1);");
                        writer.Statement("ref float piece = ref " + Add + "(ref weights, m & 15);");
                        PartialSums.Write(writer, start, Term);
                        writer.Statement("lanes.Store(" + (relu ? "lanes.Relu(sum)" : "sum") + ", ref wide, m);");
                    }
                    else
                    {
                        writer.Statement("lanes.Store(" + (relu ? "lanes.Relu(" + start + ")" : start) + ", ref wide, m);");
                    }
                }

                writer.Statement("ref float row = ref " + Add + "(ref " + Reference + "(y), " + IndexExpression.Of(0, (outFeatures, "r")) + ");");
                using (writer.Block(ConvKernelEmitter.Loop("lane", 0, tables.Lanes)))
                {
                    writer.Statement("int output = " + Add + "(ref outputs, lane);");
                    using (writer.Block("if (output >= 0)"))
                    {
                        writer.Statement(Add + "(ref row, output) = " + Add + "(ref wide, lane);");
                    }
                }
            }
        }));

        if (dense.Activation.Kind is not (ActivationKind.None or ActivationKind.Relu))
        {
            methods.Add(ElementwiseKernelEmitter.ActivateInPlace(kernels, dense.Activation, "y", layer.LengthOf(dense.Output), inLanes: true));
        }

        methods.Finish();

        static string Term(string sum, string at) =>
            sum + " = lanes.MultiplyAdd(lanes.Splat(" + Add + "(ref inputs, " + Add + "(ref columns, " + at + "))), lanes.Load(ref piece, (" + at + ") * " + Literals.Int(OutputBlocks.Size) + "), " + sum + ");";
    }

    private const string Add = "global::System.Runtime.CompilerServices.Unsafe.Add";
    private const string Reference = "global::System.Runtime.InteropServices.MemoryMarshal.GetReference";
}
