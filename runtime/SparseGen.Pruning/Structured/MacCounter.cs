using System.Linq;
using SparseGen.Pruning.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Structured;

/// <summary>
/// Dense multiply-accumulates per sample of the Conv2d and Linear layers of a Sequential tree, found by
/// running one zero sample through it so every layer's output size is TorchSharp's own.
/// </summary>
internal static class MacCounter
{
    public static long Count(nn.Module<Tensor, Tensor> model, long[] inputShape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var wasTraining = model.training;
        model.eval();
        try
        {
            long macs = 0;
            Walk(model, zeros(new[] { 1L }.Concat(inputShape).ToArray()), ref macs);
            return macs;
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static Tensor Walk(nn.Module<Tensor, Tensor> module, Tensor input, ref long macs)
    {
        switch (module)
        {
            case Sequential sequential:
                foreach (var child in sequential.children().Cast<nn.Module<Tensor, Tensor>>())
                {
                    input = Walk(child, input, ref macs);
                }

                return input;
            case ResidualBlock block:
                var middle = Walk(block.conv1, input, ref macs);
                Walk(block.conv2, middle, ref macs);
                if (block.downsample is not null)
                {
                    Walk(block.downsample, input, ref macs);
                }

                return block.forward(input);
            case Conv2d conv:
                var output = conv.forward(input);
                macs += output.numel() * (conv.in_channels / conv.groups) * conv.kernel_size.Aggregate(1L, (a, b) => a * b);
                return output;
            case Linear linear:
                macs += linear.in_features * linear.out_features;
                return linear.forward(input);
            default:
                return module.forward(input);
        }
    }
}
