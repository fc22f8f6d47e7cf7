using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// A fully connected layer's nonzero weights in compressed rows: those of output m are
/// <c>Weights[RowStarts[m] .. RowStarts[m + 1])</c>, their inputs <c>Columns[n]</c> (16-bit while the inputs allow).
/// The per-sample <c>sparse rows</c> kernel and PredictBatch's kernel in lanes read the same static tables.
/// </summary>
internal sealed class CompressedRows
{
    private CompressedRows(int count, bool hasBias, string columnType, IReadOnlyList<int> emptyRows)
    {
        EmptyRows = emptyRows;
        Count = count;
        HasBias = hasBias;
        ColumnType = columnType;
    }

    /// <summary>Nonzero weights; with none there are no weight, column or row tables.</summary>
    public int Count { get; }

    /// <summary>Whether a bias table (one float per output) exists: some bias is not zero.</summary>
    public bool HasBias { get; }

    /// <summary>The outputs with no nonzero weight.</summary>
    public IReadOnlyList<int> EmptyRows { get; }

    /// <summary>Whether some bias of <paramref name="dense"/> is not zero: its kernels then read a bias table.</summary>
    public static bool HasNonZeroBias(DenseOperation dense) => dense.Bias is not null && System.Array.Exists(dense.Bias, b => b != 0f);

    /// <summary><c>ushort</c> or <c>int</c>.</summary>
    public string ColumnType { get; }

    /// <summary>The tables of <paramref name="dense"/>, declared in the kernel class on the first call for the layer.</summary>
    public static CompressedRows Declare(LayerContext layer, DenseOperation dense)
    {
        int inFeatures = dense.InputFeatures, outFeatures = dense.OutputFeatures;
        var hasBias = HasNonZeroBias(dense);
        var columnType = inFeatures <= ushort.MaxValue + 1 ? "ushort" : "int";
        var kernels = layer.Kernels;
        var values = new List<float>();
        var columns = new List<int>();
        var rowStarts = new List<int> { 0 };
        var emptyRows = new List<int>();
        for (var m = 0; m < outFeatures; m++)
        {
            for (var k = 0; k < inFeatures; k++)
            {
                var weight = dense.Weight.Data[((long)m * inFeatures) + k];
                if (weight != 0f)
                {
                    values.Add(weight);
                    columns.Add(k);
                }
            }

            if (values.Count == rowStarts[rowStarts.Count - 1])
            {
                emptyRows.Add(m);
            }

            rowStarts.Add(values.Count);
        }

        // The second caller for a layer finds its tables there already.
        if (hasBias && !kernels.HasTable(layer.TableName("Bias")))
        {
            kernels.FloatTable(layer.TableName("Bias"), dense.Bias!);
        }

        if (values.Count > 0 && !kernels.HasTable(layer.TableName("RowStarts")))
        {
            kernels.FloatTable(layer.TableName("Weights"), values);
            if (columnType == "ushort")
            {
                kernels.UShortTable(layer.TableName("Columns"), columns);
            }
            else
            {
                kernels.IntTable(layer.TableName("Columns"), columns);
            }

            kernels.IntTable(layer.TableName("RowStarts"), rowStarts);
        }

        return new CompressedRows(values.Count, hasBias, columnType, emptyRows);
    }
}
