using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// Fully connected kernels, y[r, m] = act(b[m] + Σ W[m, k]·x[r, k]) over the nonzero W[m, k] only,
/// for every row r of the leading axes (one row for a plain Gemm).
/// </summary>
internal static class DenseKernelEmitter
{
    public static void Emit(LayerContext layer, DenseOperation dense)
    {
        if (layer.Plan.StrategyOf(dense) == LayerStrategy.DenseSimd)
        {
            SimdDenseKernelEmitter.Emit(layer, dense);
            return;
        }

        if (layer.Plan.StrategyOf(dense) == LayerStrategy.SparseBlocks)
        {
            SparseBlocksKernelEmitter.Emit(layer, dense);
            return;
        }

        int inFeatures = dense.InputFeatures, outFeatures = dense.OutputFeatures;
        var rows = layer.LengthOf(dense.Output) / outFeatures;
        var locals = new[] { layer.SpanLocal("x", dense.Input), layer.SpanLocal("y", dense.Output) };
        var methods = rows == 1
            ? layer.Methods(locals)
            : layer.Methods(
                locals,
                ConvKernelEmitter.Loop("r", 0, rows),
                new[] { "int xr = " + IndexExpression.Of(0, (inFeatures, "r")) + ";", "int yr = " + IndexExpression.Of(0, (outFeatures, "r")) + ";" });
        var inputRow = rows == 1 ? null : "xr";
        var outputRow = rows == 1 ? null : "yr";

        if (layer.Plan.StrategyOf(dense) is LayerStrategy.SparseTable or LayerStrategy.SparseRows)
        {
            // Ranges of outputs are the tasks, over the same tables.
            var table = CompressedRows.Declare(layer, dense);
            methods.AddRangedTasks(layer.Plan.PartsOf(dense), SparseRows(layer, dense, table, inputRow, outputRow));
        }
        else
        {
            // A row of more nonzeros than half a method is cut into several pieces, each carrying the partial sums to the
            // next through four floats of the layer's own scratch per row. Ranges of outputs are the tasks.
            var maxTerms = ScratchPlan.MaxTermsPerPiece(layer.Kernels.Options);
            var terms = Enumerable.Range(0, outFeatures).Select(m => Terms(dense, m)).ToList();
            var carry = layer.Scratch.Own is null ? "" : layer.OwnScratch;
            foreach (var (from, to) in layer.Plan.PartsOf(dense))
            {
                methods.AddTask(Enumerable.Range(from, to - from).SelectMany(m => Unrolled(layer.Kernels, dense, m, terms[m], inputRow, outputRow, maxTerms, carry, rows == 1 ? null : "r")));
            }
        }

        methods.Finish();
    }

    /// <summary>
    /// One output's nonzero terms as literals, summed as the compressed-rows kernel sums them: term j of the first
    /// 4·⌊n/4⌋ into partial sum j mod 4, the rest into the first, then (s0 + s1) + (s2 + s3). Four independent sums keep
    /// the adds from waiting on each other, and PredictBatch's kernel in lanes repeats the same order.
    /// </summary>
    private static IEnumerable<CodePiece> Unrolled(
        KernelClassBuilder kernels, DenseOperation dense, int m, IReadOnlyList<(float Weight, int Feature)> terms, string? inputRow, string? outputRow, int maxTerms, string carry, string? row)
    {
        var bias = dense.Bias is null ? 0f : dense.Bias[m];
        var output = "y[" + Index(outputRow, m) + "]";
        if (terms.Count == 0)
        {
            // No weight left: the output is a constant, computed here as the reference does.
            yield return CodePiece.Write(writer => writer.Statement(output + " = " + Literals.Float(dense.Activation.Apply(bias == 0f ? 0f : bias)) + ";"));
            yield break;
        }

        var grouped = terms.Count / PartialSums * PartialSums;
        for (var start = 0; start < terms.Count; start += maxTerms)
        {
            var first = start == 0;
            var last = start + maxTerms >= terms.Count;
            var from = start;
            yield return CodePiece.Write(
                writer =>
                {
                    writer.Statement(first
                        ? "s0 = " + Literals.Float(bias == 0f ? 0f : bias) + "; s1 = 0f; s2 = 0f; s3 = 0f;"
                        : string.Join(" ", Sums().Select(j => "s" + Literals.Int(j) + " = " + Carried(j) + ";")));
                    for (var t = from; t < terms.Count && t < from + maxTerms; t++)
                    {
                        var (weight, feature) = terms[t];
                        var sum = "s" + Literals.Int(t < grouped ? t % PartialSums : 0);
                        var update = weight < 0f ? sum + " -= " + Literals.Float(-weight) : sum + " += " + Literals.Float(weight);
                        writer.Statement(update + " * x[" + Index(inputRow, feature) + "];");
                    }

                    writer.Statement(last
                        ? output + " = " + ActivationExpressions.Apply(dense.Activation, "(s0 + s1) + (s2 + s3)", kernels) + ";"
                        : string.Join(" ", Sums().Select(j => Carried(j) + " = s" + Literals.Int(j) + ";")));
                },
                usesPartialSums: true);
        }

        IEnumerable<int> Sums() => Enumerable.Range(0, PartialSums);

        string Carried(int j) => "global::System.Runtime.CompilerServices.Unsafe.Add(ref " + carry + ", " + (row is null ? Literals.Int(j) : Literals.Int(j) + " + " + Literals.Int(PartialSums) + " * " + row) + ")";
    }

    private const int PartialSums = 4;

    /// <summary>The nonzero weights of output <paramref name="m"/> and their inputs, in input order.</summary>
    private static List<(float Weight, int Feature)> Terms(DenseOperation dense, int m)
    {
        var inFeatures = dense.InputFeatures;
        var terms = new List<(float Weight, int Feature)>();
        for (var k = 0; k < inFeatures; k++)
        {
            var weight = dense.Weight.Data[((long)m * inFeatures) + k];
            if (weight != 0f)
            {
                terms.Add((weight, k));
            }
        }

        return terms;
    }

    // Compressed rows, for SparseRows and for the SparseTable fallback alike: three loads and a multiply-add per
    // nonzero, four independent partial sums so that the adds do not wait on each other, no bounds checks.
    private static CodePiece SparseRows(LayerContext layer, DenseOperation dense, CompressedRows rows, string? inputRow, string? outputRow)
    {
        const int Sums = 4;
        var hasBias = rows.HasBias;
        var columnType = rows.ColumnType;

        const string Add = "global::System.Runtime.CompilerServices.Unsafe.Add";
        const string Reference = "global::System.Runtime.InteropServices.MemoryMarshal.GetReference";
        return CodePiece.Write(writer =>
        {
            var output = outputRow is null ? "y[m]" : "y[" + outputRow + " + m]";
            if (hasBias)
            {
                writer.Statement("ref float bias = ref " + Reference + "(" + layer.TableName("Bias") + ");");
            }

            if (rows.Count == 0)
            {
                using (writer.Block(ConvKernelEmitter.Loop("m", "from", "to")))
                {
                    writer.Statement(output + " = " + ActivationExpressions.Apply(dense.Activation, hasBias ? Add + "(ref bias, m)" : "0f", layer.Kernels) + ";");
                }

                return;
            }

            writer.Line("// Compressed rows: the nonzero weights of output m are weights[rowStarts[m] .. rowStarts[m + 1]), their inputs columns[n].");
            writer.Statement("ref float weights = ref " + Reference + "(" + layer.TableName("Weights") + ");");
            writer.Statement("ref " + columnType + " columns = ref " + Reference + "(" + layer.TableName("Columns") + ");");
            writer.Statement("ref int rowStarts = ref " + Reference + "(" + layer.TableName("RowStarts") + ");");
            writer.Statement("ref float inputs = ref " + (inputRow is null ? Reference + "(x)" : Add + "(ref " + Reference + "(x), " + inputRow + ")") + ";");
            writer.Statement("int n = " + Add + "(ref rowStarts, from);");
            using (writer.Block(ConvKernelEmitter.Loop("m", "from", "to")))
            {
                writer.Statement("int end = " + Add + "(ref rowStarts, m + 1);");
                writer.Statement("float s0 = " + (hasBias ? Add + "(ref bias, m)" : "0f") + ", s1 = 0f, s2 = 0f, s3 = 0f;");
                using (writer.Block("for (; n <= end - " + Literals.Int(Sums) + "; n += " + Literals.Int(Sums) + ")"))
                {
                    for (var j = 0; j < Sums; j++)
                    {
                        var at = j == 0 ? "n" : "n + " + Literals.Int(j);
                        writer.Statement("s" + Literals.Int(j) + " += " + Add + "(ref weights, " + at + ") * " + Add + "(ref inputs, " + Add + "(ref columns, " + at + "));");
                    }
                }

                using (writer.Block("for (; n < end; n++)"))
                {
                    writer.Statement("s0 += " + Add + "(ref weights, n) * " + Add + "(ref inputs, " + Add + "(ref columns, n));");
                }

                writer.Statement("float sum = (s0 + s1) + (s2 + s3);");
                writer.Statement(output + " = " + ActivationExpressions.Apply(dense.Activation, "sum", layer.Kernels) + ";");
            }
        });
    }

    private static string Index(string? row, int offset) => row is null ? Literals.Int(offset) : IndexExpression.Plus(row, offset);
}
