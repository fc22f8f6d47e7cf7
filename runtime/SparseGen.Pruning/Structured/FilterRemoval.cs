using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Pruning.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Structured;

/// <summary>What structured removal did to one Conv2d.</summary>
/// <param name="Layer">The layer's path in the original model (e.g. <c>features.3</c> or <c>2.conv1</c>).</param>
/// <param name="FiltersBefore">Its output channels before.</param>
/// <param name="FiltersAfter">Its output channels after.</param>
public sealed record RemovedFilters(string Layer, int FiltersBefore, int FiltersAfter);

/// <summary>The smaller model and what shrank.</summary>
/// <param name="Model">A new, dense Sequential (one level; nested Sequentials are flattened) in eval mode.</param>
/// <param name="Layers">One entry per Conv2d of the original, in order.</param>
/// <param name="DenseMacs">Multiply-accumulates per sample of the original's Conv2d and Linear layers.</param>
/// <param name="RemainingMacs">The same for the smaller model.</param>
public sealed record FilterRemovalResult(Sequential Model, IReadOnlyList<RemovedFilters> Layers, long DenseMacs, long RemainingMacs);

/// <summary>
/// Structured pruning made physical: convolution filters that are all zero (pruned with
/// <c>ln_structured</c> along dim 0, or chosen here by L1 norm) are taken out of the network. Their Conv2d
/// gets fewer output channels, the BatchNorm2d after it loses those entries, and the next Conv2d or Linear
/// (through activations, pooling and Flatten, where a channel is H·W features) loses those inputs.
/// </summary>
/// <remarks>
/// The result computes exactly what the masked model computes. A filter of zeros outputs its bias, so
/// after BatchNorm and the activations its channel is a constant c. When c is 0 the channel contributes
/// nothing and goes. When c is not 0 it goes only where its contribution can move into the next layer's
/// bias: a Linear, or a Conv2d without padding (with padding, border windows see fewer copies of c); a
/// pooling that pads with zeros and counts the padding also breaks the constant. Channels that reach a
/// residual Add, a grouped convolution, a Softmax or the model's output are kept: removing a channel on
/// one side of an Add alone would change the sum. A <see cref="ResidualBlock"/>'s inner channels (conv1 to
/// conv2) are removed; its input channels only when the block has a projection shortcut and c is 0.
/// </remarks>
public static class FilterRemoval
{
    /// <summary>Removes every filter whose weights are all zero; the model itself is left as it is.</summary>
    /// <param name="model">The masked model: a Sequential tree of the modules the ONNX exporter supports.</param>
    /// <param name="input_shape">One sample's shape, [C, H, W].</param>
    public static FilterRemovalResult remove_zero_filters(Sequential model, long[] input_shape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var wasTraining = model.training;
        model.eval();
        try
        {
            var layers = new List<(string Path, nn.Module Module)>();
            Flatten(model, "", layers);
            var plan = new RemovalPlan();
            plan.Walk(layers, zeros(new[] { 1L }.Concat(input_shape).ToArray()));
            var smaller = nn.Sequential(layers.Select(layer => (layer.Path.Replace('.', '_'), (nn.Module<Tensor, Tensor>)plan.Build(layer.Module))).ToArray());
            smaller.eval();
            var report = plan.Report(layers);
            return new FilterRemovalResult(smaller, report, MacCounter.Count(model, input_shape), MacCounter.Count(smaller, input_shape));
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// Prunes in place, then removes: in each Conv2d whose filters can be taken out (see the remarks), the
    /// fraction <paramref name="amount"/> of filters with the smallest L1 norm are silenced (their weights
    /// and bias, and the weight and bias of a BatchNorm2d right after, become zero, so the channel outputs
    /// zero as if it were gone), then removed as <see cref="remove_zero_filters"/> does. The model keeps the
    /// silenced channels, so it and the result compute the same function.
    /// </summary>
    public static FilterRemovalResult remove_filters_by_l1(Sequential model, double amount, long[] input_shape)
    {
        if (amount is < 0 or > 1 || double.IsNaN(amount))
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "amount is a fraction from 0 to 1");
        }

        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var wasTraining = model.training;
            model.eval();
            var layers = new List<(string Path, nn.Module Module)>();
            Flatten(model, "", layers);
            var plan = new RemovalPlan();
            plan.Walk(layers, zeros(new[] { 1L }.Concat(input_shape).ToArray()));
            model.train(wasTraining);
            foreach (var conv in plan.RemovableProducers)
            {
                var filters = (int)conv.out_channels;
                var count = Math.Min(filters - 1, (int)Math.Round(amount * filters, MidpointRounding.AwayFromZero));
                if (count <= 0)
                {
                    continue;
                }

                var weakest = conv.weight.abs().sum(new long[] { 1, 2, 3 }).argsort().slice(0, 0, count, 1);
                conv.weight.index_fill_(0, weakest, 0);
                conv.bias?.index_fill_(0, weakest, 0);
                if (plan.BatchNormAfter(conv) is { } batchNorm)
                {
                    batchNorm.weight?.index_fill_(0, weakest, 0);
                    batchNorm.bias?.index_fill_(0, weakest, 0);
                }
            }
        }

        return remove_zero_filters(model, input_shape);
    }

    private static void Flatten(nn.Module module, string path, List<(string Path, nn.Module Module)> layers)
    {
        if (module is Sequential sequential)
        {
            foreach (var (name, child) in sequential.named_children())
            {
                Flatten(child, path.Length == 0 ? name : path + "." + name, layers);
            }

            return;
        }

        layers.Add((path, module));
    }
}
