using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using SparseGen.Pruning.Structured;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Reports;

/// <summary>One Conv2d or Linear: its weights and what they cost per sample.</summary>
/// <param name="Layer">The layer's name in the model.</param>
/// <param name="Kind"><c>Conv2d</c> or <c>Linear</c>.</param>
/// <param name="Shape">The weight's shape.</param>
/// <param name="Parameters">Weights plus bias.</param>
/// <param name="Weights">Entries of the weight tensor.</param>
/// <param name="Nonzeros">Nonzero entries of the weight tensor.</param>
/// <param name="DenseMacs">Multiply-accumulates per sample with every weight.</param>
/// <param name="RemainingMacs">
/// Multiply-accumulates per sample that the nonzero weights perform (a convolution weight counts once per
/// output pixel; the few a zero padding would skip at the borders are counted too).
/// </param>
public sealed record LayerSparsity(string Layer, string Kind, long[] Shape, long Parameters, long Weights, long Nonzeros, long DenseMacs, long RemainingMacs)
{
    /// <summary>The fraction of the weight tensor that is zero.</summary>
    public double Sparsity => Weights == 0 ? 0 : 1 - ((double)Nonzeros / Weights);

    /// <summary>The fraction of this layer's MACs that the zeros remove.</summary>
    public double MacSparsity => DenseMacs == 0 ? 0 : 1 - ((double)RemainingMacs / DenseMacs);
}

/// <summary>
/// Sparsity of a model, per layer and overall, in both currencies: parameters and multiply-accumulates.
/// They differ: a CNN keeps most parameters in its fully connected layers and spends most MACs in its
/// convolutions, and only the MACs say how much faster the sparse model can run.
/// </summary>
public sealed record PruningReport(IReadOnlyList<LayerSparsity> Layers, long TotalParameters)
{
    /// <summary>Entries of all Conv2d and Linear weights.</summary>
    public long Weights => Layers.Sum(l => l.Weights);

    /// <summary>Nonzero entries of all Conv2d and Linear weights.</summary>
    public long Nonzeros => Layers.Sum(l => l.Nonzeros);

    /// <summary>Global sparsity of the Conv2d and Linear weights.</summary>
    public double Sparsity => Weights == 0 ? 0 : 1 - ((double)Nonzeros / Weights);

    /// <summary>Multiply-accumulates per sample of the dense model.</summary>
    public long DenseMacs => Layers.Sum(l => l.DenseMacs);

    /// <summary>Multiply-accumulates per sample that the nonzero weights perform.</summary>
    public long RemainingMacs => Layers.Sum(l => l.RemainingMacs);

    /// <summary>The fraction of the MACs the zeros remove.</summary>
    public double MacSparsity => DenseMacs == 0 ? 0 : 1 - ((double)RemainingMacs / DenseMacs);

    /// <summary>Measures <paramref name="model"/> (a Sequential tree) for one sample of <paramref name="input_shape"/>.</summary>
    public static PruningReport of(nn.Module<Tensor, Tensor> model, long[] input_shape)
    {
        var layers = MacCounter.Layers(model, input_shape).Select(layer =>
        {
            var weight = layer.Weight;
            var bias = layer.Module switch
            {
                Conv2d conv => conv.bias,
                Linear linear => linear.bias,
                _ => null,
            };
            using var noGrad = no_grad();
            var nonzeros = weight.count_nonzero().item<long>();
            return new LayerSparsity(
                layer.Path,
                layer.Module.GetType().Name,
                weight.shape,
                weight.numel() + (bias?.numel() ?? 0),
                weight.numel(),
                nonzeros,
                weight.numel() * layer.MacsPerWeight,
                nonzeros * layer.MacsPerWeight);
        }).ToList();
        var total = model.parameters().Sum(p => p.numel());
        return new PruningReport(layers, total);
    }

    /// <summary>A plain-text table, one row per layer and a total.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-16} {1,-7} {2,-16} {3,10} {4,10} {5,8} {6,12} {7,12} {8,8}", "layer", "kind", "shape", "weights", "nonzeros", "sparsity", "dense MACs", "MACs left", "MAC spar."));
        foreach (var l in Layers)
        {
            text.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-16} {1,-7} {2,-16} {3,10:N0} {4,10:N0} {5,8:P1} {6,12:N0} {7,12:N0} {8,8:P1}", l.Layer, l.Kind, string.Join("x", l.Shape), l.Weights, l.Nonzeros, l.Sparsity, l.DenseMacs, l.RemainingMacs, l.MacSparsity));
        }

        text.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-16} {1,-7} {2,-16} {3,10:N0} {4,10:N0} {5,8:P1} {6,12:N0} {7,12:N0} {8,8:P1}", "total", "", TotalParameters.ToString("N0", CultureInfo.InvariantCulture) + " params", Weights, Nonzeros, Sparsity, DenseMacs, RemainingMacs, MacSparsity));
        return text.ToString();
    }

    /// <summary>The report as a JSON object (layers, totals, both sparsities).</summary>
    public string ToJson() => JsonSerializer.Serialize(ToJsonObject(), Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The report as plain values, ready to embed in a larger JSON document.</summary>
    public object ToJsonObject() => new
    {
        total_parameters = TotalParameters,
        weights = Weights,
        nonzeros = Nonzeros,
        sparsity = Math.Round(Sparsity, 6),
        dense_macs = DenseMacs,
        remaining_macs = RemainingMacs,
        mac_sparsity = Math.Round(MacSparsity, 6),
        layers = Layers.Select(l => new
        {
            layer = l.Layer,
            kind = l.Kind,
            shape = l.Shape,
            parameters = l.Parameters,
            weights = l.Weights,
            nonzeros = l.Nonzeros,
            sparsity = Math.Round(l.Sparsity, 6),
            dense_macs = l.DenseMacs,
            remaining_macs = l.RemainingMacs,
            mac_sparsity = Math.Round(l.MacSparsity, 6),
        }).ToList(),
    };
}
