using System.Collections.Generic;
using System.Linq;
using SparseGen.Pruning.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Structured;

/// <summary>A Conv2d or Linear of a model, where it sits, and what each of its weights costs per sample.</summary>
/// <param name="Path">Its name in the model (as <c>named_modules</c> gives it, e.g. <c>features.3</c>).</param>
/// <param name="Module">The layer.</param>
/// <param name="MacsPerWeight">Multiply-accumulates one weight performs per sample: H·W of a Conv2d's output, 1 for a Linear.</param>
internal sealed record WeightedLayer(string Path, nn.Module Module, long MacsPerWeight)
{
    public Tensor Weight => Module switch
    {
        Conv2d conv => conv.weight!,
        Linear linear => linear.weight!,
        _ => throw new System.InvalidOperationException("only Conv2d and Linear layers have a MAC cost here"),
    };
}

/// <summary>
/// Finds the Conv2d and Linear layers of a Sequential tree and their cost per weight, by running one zero
/// sample through it so every layer's output size is TorchSharp's own.
/// </summary>
internal static class MacCounter
{
    public static long Count(nn.Module<Tensor, Tensor> model, long[] inputShape) =>
        Layers(model, inputShape).Sum(layer => layer.Weight.numel() * layer.MacsPerWeight);

    public static IReadOnlyList<WeightedLayer> Layers(nn.Module<Tensor, Tensor> model, long[] inputShape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var wasTraining = model.training;
        model.eval();
        try
        {
            var paths = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
            foreach (var (name, child) in model.named_modules())
            {
                paths[child] = name;
            }

            var layers = new List<WeightedLayer>();
            Walk(model, zeros(new[] { 1L }.Concat(inputShape).ToArray()), paths, layers);
            return layers;
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static Tensor Walk(nn.Module<Tensor, Tensor> module, Tensor input, Dictionary<object, string> paths, List<WeightedLayer> layers)
    {
        switch (module)
        {
            case Sequential sequential:
                foreach (var child in sequential.children().Cast<nn.Module<Tensor, Tensor>>())
                {
                    input = Walk(child, input, paths, layers);
                }

                return input;
            case ResidualBlock block:
                var middle = Walk(block.conv1, input, paths, layers);
                Walk(block.conv2, middle, paths, layers);
                if (block.downsample is not null)
                {
                    Walk(block.downsample, input, paths, layers);
                }

                return block.forward(input);
            case Conv2d conv:
                var output = conv.forward(input);
                layers.Add(new WeightedLayer(PathOf(conv, paths), conv, output.shape[2] * output.shape[3]));
                return output;
            case Linear linear:
                layers.Add(new WeightedLayer(PathOf(linear, paths), linear, 1));
                return linear.forward(input);
            default:
                return module.forward(input);
        }
    }

    private static string PathOf(nn.Module module, Dictionary<object, string> paths) =>
        paths.TryGetValue(module, out var path) ? path : module.GetName();
}
