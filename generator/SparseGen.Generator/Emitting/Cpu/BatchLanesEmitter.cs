using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// PredictBatch's fully connected tail (<see cref="BatchSection"/>) with the samples of a group in SIMD lanes:
/// value f of sample s sits at <c>group[slot + f · 16 + s]</c>, so each weight is one broadcast multiplied into
/// a vector of samples and the weights stream once per group, not once per sample. Each kernel sums in the order
/// of the layer's per-sample kernel (the same partial sums, the same fused or separate multiply-adds), so
/// PredictBatch returns bit for bit what Predict returns.
/// </summary>
internal static class BatchLanesEmitter
{
    private const int DenseBlock = 8;

    /// <summary>Where the section's values live in the group arena, and its length.</summary>
    public sealed record Layout(IReadOnlyDictionary<string, int> Offsets, int GroupArenaLength);

    /// <summary>Writes the section's kernels into the class and returns the calls <c>RunGroup</c> makes, in order.</summary>
    public static (Layout Layout, IReadOnlyList<string> Calls) Emit(ModelGraph graph, KernelPlan plan, IReadOnlyList<LayerSummary> layers, KernelClassBuilder kernels)
    {
        var section = plan.BatchSection ?? throw new InvalidOperationException("the model has no batch section");
        var layout = Place(graph, section);
        var calls = new List<string>();
        foreach (var op in section.Operations)
        {
            var summary = layers.First(layer => ReferenceEquals(layer.Op, op));
            var context = new LayerContext(summary.Number, op, graph, plan, kernels, summary.HeaderComment);
            var name = context.MethodName + "Lanes";
            switch (op)
            {
                case DenseOperation dense:
                    // Tables go into the class before the method that reads them.
                    var blocks = plan.StrategyOf(dense) == LayerStrategy.SparseBlocks ? SparseBlocks.Declare(context, dense) : null;
                    var rows = plan.StrategyOf(dense) is LayerStrategy.DenseSimd or LayerStrategy.SparseBlocks ? null : CompressedRows.Declare(context, dense);
                    WriteMethod(kernels, name, "Layer " + Literals.Int(summary.Number) + " (" + Literals.Comment(summary.Title) + ") for a group of samples in lanes.", writer =>
                        WriteDense(writer, context, dense, rows, blocks, layout.Offsets[dense.Input], layout.Offsets[dense.Output]));
                    break;
                case ActivationOperation activation:
                    WriteMethod(kernels, name, "Layer " + Literals.Int(summary.Number) + " (" + Literals.Comment(summary.Title) + ") for a group of samples in lanes, in place.", writer =>
                        WriteActivation(writer, kernels, activation.Activation, layout.Offsets[activation.Output], context.LengthOf(activation.Output)));
                    break;
                case ReshapeOperation:
                    calls.Add("// " + Literals.Comment(summary.Title));
                    continue;
                default:
                    throw new InvalidOperationException($"{op.OpType} '{op.Name}' cannot run in batch lanes");
            }

            calls.Add(name + RuntimeNames.TypeParameters + "(group, chunks);");
        }

        return (layout, calls);
    }

    /// <summary>Two slots of 16 lanes of the section's longest value: each layer reads one and writes the other; activations and reshapes stay put.</summary>
    private static Layout Place(ModelGraph graph, BatchSection section)
    {
        var longest = section.Operations.Select(op => ShapeInference.ElementCount(graph.ShapeOf(op.Output)))
            .Append(ShapeInference.ElementCount(graph.ShapeOf(section.Input))).Max();
        var slot = longest * BatchSection.MaxGroup;
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal) { [section.Input] = 0 };
        foreach (var op in section.Operations)
        {
            var input = offsets[op.Inputs[0]];
            offsets[op.Output] = op is DenseOperation ? slot - input : input;
        }

        return new Layout(offsets, 2 * slot);
    }

    private static void WriteMethod(KernelClassBuilder kernels, string name, string summary, Action<SourceWriter> body)
    {
        var members = kernels.Members;
        members.Line("/// <summary>" + Literals.Xml(summary) + "</summary>");
        members.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        members.Line("private static void " + name + RuntimeNames.TypeParameters + "(global::System.Span<float> group, int chunks)" + RuntimeNames.Constraints);
        using (members.Block())
        {
            members.Statement("TLanes lanes = default;");
            body(members);
        }

        members.Line();
    }

    private static void WriteDense(SourceWriter writer, LayerContext layer, DenseOperation dense, CompressedRows? rows, SparseBlocks? blocks, int inputOffset, int outputOffset)
    {
        writer.Statement("ref float x = ref " + Add + "(ref " + Reference + "(group), " + Literals.Int(inputOffset) + ");");
        writer.Statement("ref float y = ref " + Add + "(ref " + Reference + "(group), " + Literals.Int(outputOffset) + ");");
        using (writer.Block("for (int lane = 0; lane < chunks * lanes.Count; lane += lanes.Count)"))
        {
            if (blocks is not null)
            {
                Blocks(writer, layer, dense, blocks);
            }
            else if (rows is null)
            {
                DenseTable(writer, layer, dense);
            }
            else
            {
                Rows(writer, layer, dense, rows);
            }
        }

        if (dense.Activation.Kind is not (ActivationKind.None or ActivationKind.Relu))
        {
            WriteActivation(writer, layer.Kernels, dense.Activation, outputOffset, dense.OutputFeatures);
            if (rows is not null && layer.Plan.StrategyOf(dense) is not (LayerStrategy.SparseRows or LayerStrategy.SparseTable))
            {
                // The unrolled kernel writes an output with no weight left as a constant the generator computed.
                var empty = rows.EmptyRows;
                if (empty.Count > 0)
                {
                    using (writer.Block("for (int lane = 0; lane < chunks * lanes.Count; lane += lanes.Count)"))
                    {
                        foreach (var m in empty)
                        {
                            var bias = dense.Bias is null ? 0f : dense.Bias[m];
                            var constant = Literals.Float(dense.Activation.Apply(bias == 0f ? 0f : bias));
                            writer.Statement("lanes.Store(lanes.Splat(" + constant + "), ref y, " + Literals.Int(m * BatchSection.MaxGroup) + " + lane);");
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Compressed rows, summed in the order of both scalar kernels (unrolled and compressed rows): four partial sums
    /// (<see cref="PartialSums"/>), each term a multiply then an add.
    /// </summary>
    private static void Rows(SourceWriter writer, LayerContext layer, DenseOperation dense, CompressedRows rows)
    {
        var outFeatures = dense.OutputFeatures;
        if (rows.HasBias)
        {
            writer.Statement("ref float bias = ref " + Reference + "(" + layer.TableName("Bias") + ");");
        }

        var start = rows.HasBias ? "lanes.Splat(" + Add + "(ref bias, m))" : "lanes.Splat(0f)";
        if (rows.Count == 0)
        {
            using (writer.Block(ConvKernelEmitter.Loop("m", 0, outFeatures)))
            {
                writer.Statement("lanes.Store(" + Activated(dense, start) + ", ref y, m * " + Literals.Int(BatchSection.MaxGroup) + " + lane);");
            }

            return;
        }

        writer.Statement("ref float weights = ref " + Reference + "(" + layer.TableName("Weights") + ");");
        writer.Statement("ref " + rows.ColumnType + " columns = ref " + Reference + "(" + layer.TableName("Columns") + ");");
        writer.Statement("ref int rowStarts = ref " + Reference + "(" + layer.TableName("RowStarts") + ");");
        writer.Statement("int n = 0;");
        using (writer.Block(ConvKernelEmitter.Loop("m", 0, outFeatures)))
        {
            writer.Statement("int end = " + Add + "(ref rowStarts, m + 1);");
            PartialSums.Write(writer, start, Term);
            writer.Statement("lanes.Store(" + Activated(dense, "sum") + ", ref y, m * " + Literals.Int(BatchSection.MaxGroup) + " + lane);");
        }

        static string Term(string sum, string at) =>
            sum + " = lanes.Add(" + sum + ", lanes.Multiply(lanes.Splat(" + Add + "(ref weights, " + at + ")), lanes.Load(ref x, " + Add + "(ref columns, " + at + ") * "
            + Literals.Int(BatchSection.MaxGroup) + " + lane)));";
    }

    /// <summary>
    /// The block kernel's tables, one lane (output) at a time: its block's live vectors in order in four partial sums
    /// (<see cref="PartialSums"/>), each a fused multiply-add of the input's samples by the output's weight, as
    /// <see cref="SparseBlocksKernelEmitter"/> sums each lane.
    /// </summary>
    private static void Blocks(SourceWriter writer, LayerContext layer, DenseOperation dense, SparseBlocks blocks)
    {
        if (blocks.HasBias)
        {
            writer.Statement("ref float bias = ref " + Reference + "(" + layer.TableName("Bias") + ");");
        }

        var start = blocks.HasBias ? "lanes.Splat(" + Add + "(ref bias, slot))" : "lanes.Splat(0f)";
        writer.Statement("ref int outputs = ref " + Reference + "(" + layer.TableName("Outputs") + ");");
        if (blocks.Vectors > 0)
        {
            writer.Statement("ref float weights = ref " + Reference + "(" + layer.TableName("Weights") + ");");
            writer.Statement("ref int columns = ref " + Reference + "(" + layer.TableName("Columns") + ");");
            writer.Statement("ref int starts = ref " + Reference + "(" + layer.TableName("Starts") + ");");
        }

        using (writer.Block(ConvKernelEmitter.Loop("slot", 0, blocks.Lanes)))
        {
            writer.Statement("int m = " + Add + "(ref outputs, slot);");
            using (writer.Block("if (m < 0)"))
            {
                writer.Statement("continue;");
            }

            if (blocks.Vectors == 0)
            {
                writer.Statement("lanes.Store(" + Activated(dense, start) + ", ref y, m * " + Literals.Int(BatchSection.MaxGroup) + " + lane);");
                return;
            }

            writer.Statement("int n = " + Add + "(ref starts, slot >> 4), end = " + Add + "(ref starts, (slot >> 4) + 1);");
            writer.Statement("ref float output = ref " + Add + "(ref weights, slot & 15);");
            PartialSums.Write(writer, start, Term);
            writer.Statement("lanes.Store(" + Activated(dense, "sum") + ", ref y, m * " + Literals.Int(BatchSection.MaxGroup) + " + lane);");
        }

        static string Term(string sum, string at) =>
            sum + " = lanes.MultiplyAdd(lanes.Load(ref x, " + Add + "(ref columns, " + at + ") * " + Literals.Int(BatchSection.MaxGroup) + " + lane), lanes.Splat(" + Add + "(ref output, ("
            + at + ") * " + Literals.Int(OutputBlocks.Size) + ")), " + sum + ");";
    }

    /// <summary>
    /// The dense SIMD kernel's input-major table (outputs padded), <see cref="DenseBlock"/> outputs at a time, each a
    /// running fused multiply-add over every input in order, as that kernel sums (a zero input it skips adds nothing).
    /// </summary>
    private static void DenseTable(SourceWriter writer, LayerContext layer, DenseOperation dense)
    {
        int inFeatures = dense.InputFeatures, outFeatures = dense.OutputFeatures;
        var padded = SimdDenseLayout.PaddedOutputs(outFeatures);
        var hasBias = CompressedRows.HasNonZeroBias(dense);
        writer.Statement("ref float weights = ref " + Reference + "(" + layer.TableName("Weights") + ");");
        if (hasBias)
        {
            writer.Statement("ref float bias = ref " + Reference + "(" + layer.TableName("Bias") + ");");
        }

        var full = outFeatures / DenseBlock * DenseBlock;
        if (full > 0)
        {
            using (writer.Block("for (int m = 0; m < " + Literals.Int(full) + "; m += " + Literals.Int(DenseBlock) + ")"))
            {
                Block(DenseBlock);
            }
        }

        if (outFeatures > full)
        {
            using (writer.Block())
            {
                writer.Statement("int m = " + Literals.Int(full) + ";");
                Block(outFeatures - full);
            }
        }

        void Block(int outputs)
        {
            var names = Enumerable.Range(0, outputs).Select(j => "a" + Literals.Int(j)).ToArray();
            writer.Statements(names.Select((a, j) => "V " + a + " = " + (hasBias ? "lanes.Splat(" + Add + "(ref bias, m" + Plus(j) + "))" : "lanes.Splat(0f)") + ";").ToArray());
            writer.Statement("ref float row = ref " + Add + "(ref weights, m);");
            using (writer.Block(ConvKernelEmitter.Loop("k", 0, inFeatures)))
            {
                writer.Statement("V v = lanes.Load(ref x, k * " + Literals.Int(BatchSection.MaxGroup) + " + lane);");
                writer.Statements(names.Select((a, j) => a + " = lanes.MultiplyAdd(v, lanes.Splat(" + Add + "(ref row, " + Literals.Int(j) + ")), " + a + ");").ToArray());
                writer.Statement("row = ref " + Add + "(ref row, " + Literals.Int(padded) + ");");
            }

            writer.Statements(names.Select((a, j) => "lanes.Store(" + Activated(dense, a) + ", ref y, (m" + Plus(j) + ") * " + Literals.Int(BatchSection.MaxGroup) + " + lane);").ToArray());
        }

        static string Plus(int j) => j == 0 ? "" : " + " + Literals.Int(j);
    }

    /// <summary>A standalone or non-Relu activation over a slot, garbage lanes included (they are never read back).</summary>
    private static void WriteActivation(SourceWriter writer, KernelClassBuilder kernels, Activation activation, int offset, int length)
    {
        var count = length * BatchSection.MaxGroup;
        writer.Statement("var values = group.Slice(" + Literals.Int(offset) + ", " + Literals.Int(count) + ");");
        if (activation.Kind == ActivationKind.Relu)
        {
            writer.Statement("ref float v = ref " + Reference + "(values);");
            using (writer.Block("for (int i = 0; i < " + Literals.Int(count) + "; i += lanes.Count)"))
            {
                writer.Statement("lanes.Store(lanes.Relu(lanes.Load(ref v, i)), ref v, i);");
            }

            return;
        }

        using (writer.Block(ConvKernelEmitter.Loop("i", 0, count)))
        {
            writer.Statement("values[i] = " + ActivationExpressions.Apply(activation, "values[i]", kernels) + ";");
        }
    }

    private static string Activated(DenseOperation dense, string value) =>
        dense.Activation.Kind == ActivationKind.Relu ? "lanes.Relu(" + value + ")" : value;

    private const string Add = "global::System.Runtime.CompilerServices.Unsafe.Add";
    private const string Reference = "global::System.Runtime.InteropServices.MemoryMarshal.GetReference";
}
