using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// A fully connected layer's weights in blocks of up to 16 outputs (<see cref="OutputBlocks"/>: lane l of block b is output
/// <c>Outputs[16 · b + l]</c>, −1 for an empty lane): block b's live vectors (inputs whose weights in the block are not all
/// zero) are <c>Weights[(Starts[b] .. Starts[b + 1]) · 16 + lane]</c>, their inputs <c>Columns[vector]</c>. The
/// per-sample <c>sparse blocks</c> kernel and PredictBatch's kernel in lanes read the same static tables and sum each
/// output in the same order (<see cref="PartialSums"/>, fused multiply-adds).
/// </summary>
internal sealed class SparseBlocks
{
    private SparseBlocks(int vectors, bool hasBias, int lanes)
    {
        Vectors = vectors;
        HasBias = hasBias;
        Lanes = lanes;
    }

    /// <summary>Lanes of all blocks: 16 per block.</summary>
    public int Lanes { get; }

    /// <summary>Live weight vectors; with none there are no weight, column or start tables.</summary>
    public int Vectors { get; }

    /// <summary>Whether a bias table (one float per lane, zero in empty lanes) exists: some bias is not zero.</summary>
    public bool HasBias { get; }

    /// <summary>The tables of <paramref name="dense"/>, declared in the kernel class on the first call for the layer.</summary>
    public static SparseBlocks Declare(LayerContext layer, DenseOperation dense)
    {
        var blocks = layer.Plan.BlocksOf(dense);
        var slots = blocks.Slots;
        var (vectors, starts) = blocks.LiveVectorsByBlock();
        var weights = vectors.SelectMany(v => v.Weights).ToList();
        var columns = vectors.Select(v => v.Index).ToList();
        var hasBias = CompressedRows.HasNonZeroBias(dense);
        var kernels = layer.Kernels;
        // The second caller for a layer finds its tables there already.
        if (hasBias && !kernels.HasTable(layer.TableName("Bias")))
        {
            kernels.FloatTable(layer.TableName("Bias"), slots.Select(m => m >= 0 ? dense.Bias![m] : 0f).ToList());
        }

        if (!kernels.HasTable(layer.TableName("Outputs")))
        {
            kernels.IntTable(layer.TableName("Outputs"), slots.ToList());
        }

        if (columns.Count > 0 && !kernels.HasTable(layer.TableName("Starts")))
        {
            kernels.AlignedFloatTable(layer.TableName("Weights"), weights);
            kernels.IntTable(layer.TableName("Columns"), columns);
            kernels.IntTable(layer.TableName("Starts"), starts);
        }

        return new SparseBlocks(columns.Count, hasBias, slots.Count);
    }
}
