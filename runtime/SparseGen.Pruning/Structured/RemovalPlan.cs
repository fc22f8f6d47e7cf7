using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Pruning.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Structured;

/// <summary>
/// Decides, for a flat list of layers, which filters go and what their constant outputs add to the next
/// layer's bias (see <see cref="FilterRemoval"/>'s remarks for the exactness argument), then builds the
/// smaller layers.
/// </summary>
internal sealed class RemovalPlan
{
    private readonly Dictionary<nn.Module, int[]> _keptFilters = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<nn.Module, int[]> _keptBatchNormEntries = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<nn.Module, InputSelection> _inputs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<nn.Module, BatchNorm2d> _batchNormAfter = new(ReferenceEqualityComparer.Instance);

    /// <summary>Conv2d layers whose outputs reach a layer that reads them channel by channel.</summary>
    public List<Conv2d> RemovableProducers { get; } = new();

    public BatchNorm2d? BatchNormAfter(Conv2d conv) => _batchNormAfter.TryGetValue(conv, out var batchNorm) ? batchNorm : null;

    public static bool PassesChannelsThrough(nn.Module module) =>
        module is ReLU or ReLU6 or Sigmoid or Tanh or Dropout or Identity or MaxPool2d or AvgPool2d or AdaptiveAvgPool2d or BatchNorm2d or Flatten;

    public void Walk(IReadOnlyList<(string Path, nn.Module Module)> layers, Tensor sample)
    {
        Pending? pending = null;
        foreach (var (path, module) in layers)
        {
            var input = sample;
            sample = module is nn.Module<Tensor, Tensor> forward
                ? forward.forward(input)
                : throw Unsupported(path, module);
            switch (module)
            {
                case Conv2d conv:
                    if (pending is { Flattened: false } && conv.groups == 1)
                    {
                        Resolve(pending, conv, canFold: (conv.padding_type is null or Padding.Valid) && (conv.padding ?? Array.Empty<long>()).All(p => p == 0));
                    }

                    pending = conv.groups == 1 ? Start(conv) : null;
                    break;
                case Linear linear:
                    if (pending is { Flattened: true })
                    {
                        Resolve(pending, linear, canFold: true);
                    }

                    pending = null;
                    break;
                case ResidualBlock block:
                    if (pending is { Flattened: false } && block.downsample is not null)
                    {
                        // Both conv1 (padded) and the projection read these channels: only zeros can go.
                        Resolve(pending, block, canFold: false);
                    }

                    Walk(new (string, nn.Module)[] { (path + ".conv1", block.conv1), (path + ".bn1", block.bn1), (path + ".relu", block.relu), (path + ".conv2", block.conv2) }, input);
                    pending = null;
                    break;
                case Flatten flatten:
                    if (pending is { Flattened: false } && input.dim() == 4 && flatten.start_dim == 1 && (flatten.end_dim == -1 || flatten.end_dim == 3))
                    {
                        pending.Flattened = true;
                        pending.FeaturesPerChannel = input.shape[2] * input.shape[3];
                    }
                    else
                    {
                        pending = null;
                    }

                    break;
                case BatchNorm2d batchNorm when pending is { Flattened: false }:
                    if (pending.BatchNorms.Count == 0 && pending.OnlyBatchNormsSoFar)
                    {
                        _batchNormAfter[pending.Producer] = batchNorm;
                    }

                    pending.BatchNorms.Add(batchNorm);
                    pending.Constants = Propagate(batchNorm, pending.Constants);
                    break;
                case BatchNorm1d or Softmax:
                    pending = null;
                    break;
                default:
                    if (!PassesChannelsThrough(module))
                    {
                        throw Unsupported(path, module);
                    }

                    if (pending is not null)
                    {
                        pending.OnlyBatchNormsSoFar = false;
                        pending.Constants = Propagate(module, pending.Constants);
                    }

                    break;
            }
        }
    }

    public nn.Module Build(nn.Module module) => module switch
    {
        Conv2d conv => NewConv(conv, Input(conv), Kept(_keptFilters, conv)),
        BatchNorm2d batchNorm => NewBatchNorm(batchNorm, Kept(_keptBatchNormEntries, batchNorm)),
        BatchNorm1d batchNorm => NewBatchNorm(batchNorm, null),
        Linear linear => NewLinear(linear, Input(linear)),
        ResidualBlock block => new ResidualBlock(
            NewConv(block.conv1, Input(block), Kept(_keptFilters, block.conv1)),
            (BatchNorm2d)NewBatchNorm(block.bn1, Kept(_keptBatchNormEntries, block.bn1)),
            NewConv(block.conv2, Input(block.conv2), null),
            (BatchNorm2d)NewBatchNorm(block.bn2, null),
            block.downsample is null ? null : nn.Sequential(block.downsample.named_children().Select(child => (child.name, (nn.Module<Tensor, Tensor>)(child.module switch
            {
                Conv2d conv => (nn.Module)NewConv(conv, Input(block), null),
                BatchNorm2d batchNorm => NewBatchNorm(batchNorm, null),
                var other => other,
            }))).ToArray()),
            block.GetName()),
        // Parameterless layers carry over as they are.
        _ => module,
    };

    public List<RemovedFilters> Report(IReadOnlyList<(string Path, nn.Module Module)> layers)
    {
        var report = new List<RemovedFilters>();
        void Add(string path, Conv2d conv) =>
            report.Add(new RemovedFilters(path, (int)conv.out_channels, Kept(_keptFilters, conv)?.Length ?? (int)conv.out_channels));

        foreach (var (path, module) in layers)
        {
            if (module is Conv2d conv)
            {
                Add(path, conv);
            }
            else if (module is ResidualBlock block)
            {
                Add(path + ".conv1", block.conv1);
                Add(path + ".conv2", block.conv2);
                foreach (var (name, child) in block.downsample?.named_children() ?? Enumerable.Empty<(string, nn.Module)>())
                {
                    if (child is Conv2d projection)
                    {
                        Add(path + ".downsample." + name, projection);
                    }
                }
            }
        }

        return report;
    }

    private Pending Start(Conv2d conv)
    {
        var filters = (int)conv.out_channels;
        var nonZero = conv.weight.detach().ne(0).flatten(1).any(1).data<bool>().ToArray();
        var bias = conv.bias?.detach().to_type(ScalarType.Float64).data<double>().ToArray();
        var constants = new double?[filters];
        for (var filter = 0; filter < filters; filter++)
        {
            constants[filter] = nonZero[filter] ? null : bias?[filter] ?? 0d;
        }

        return new Pending(conv, constants);
    }

    private void Resolve(Pending pending, nn.Module consumer, bool canFold)
    {
        RemovableProducers.Add(pending.Producer);
        var constants = pending.Constants;
        var removed = Enumerable.Range(0, constants.Length)
            .Where(c => constants[c] is { } value && (value == 0 || (canFold && !double.IsNaN(value) && !double.IsInfinity(value))))
            .ToList();
        if (removed.Count == constants.Length)
        {
            // A layer keeps at least one channel; the first goes on computing its constant.
            removed.RemoveAt(0);
        }

        if (removed.Count == 0)
        {
            return;
        }

        var kept = Enumerable.Range(0, constants.Length).Except(removed).ToArray();
        var folded = new double[constants.Length];
        foreach (var channel in removed)
        {
            folded[channel] = constants[channel]!.Value;
        }

        _keptFilters[pending.Producer] = kept;
        foreach (var batchNorm in pending.BatchNorms)
        {
            _keptBatchNormEntries[batchNorm] = kept;
        }

        _inputs[consumer] = new InputSelection(kept, folded, pending.Flattened ? pending.FeaturesPerChannel : 1);
    }

    private static double?[] Propagate(nn.Module module, double?[] constants) => module switch
    {
        BatchNorm2d batchNorm => BatchNormConstants(batchNorm, constants),
        ReLU => Map(constants, c => Math.Max(0, c)),
        ReLU6 => Map(constants, c => Math.Min(Math.Max(0, c), 6)),
        Sigmoid => Map(constants, c => 1 / (1 + Math.Exp(-c))),
        Tanh => Map(constants, Math.Tanh),
        // Zero padding counted in the average turns a constant into a border pattern; zero stays zero.
        AvgPool2d pool when pool.divisor_override is not null || (pool.count_include_pad && (pool.padding ?? Array.Empty<long>()).Any(p => p != 0)) =>
            constants.Select(c => c == 0 ? c : null).ToArray(),
        // Max pooling pads with −∞ and every window holds an input; dropout is off in eval mode.
        _ => constants,
    };

    private static double?[] BatchNormConstants(BatchNorm2d batchNorm, double?[] constants)
    {
        double[] Values(Tensor? tensor, double fallback) =>
            tensor is null ? Enumerable.Repeat(fallback, constants.Length).ToArray() : tensor.detach().to_type(ScalarType.Float64).data<double>().ToArray();

        var mean = Values(batchNorm.running_mean, 0);
        var variance = Values(batchNorm.running_var, 1);
        var scale = Values(batchNorm.weight, 1);
        var shift = Values(batchNorm.bias, 0);
        return constants.Select((c, i) => c is { } value ? (value - mean[i]) / Math.Sqrt(variance[i] + batchNorm.eps) * scale[i] + shift[i] : (double?)null).ToArray();
    }

    private static double?[] Map(double?[] constants, Func<double, double> function) =>
        constants.Select(c => c is { } value ? function(value) : (double?)null).ToArray();

    private InputSelection? Input(nn.Module consumer) => _inputs.TryGetValue(consumer, out var selection) ? selection : null;

    private static int[]? Kept(Dictionary<nn.Module, int[]> kept, nn.Module module) => kept.TryGetValue(module, out var indices) ? indices : null;

    private static Tensor Indices(int[] indices) => tensor(indices.Select(i => (long)i).ToArray());

    private static Conv2d NewConv(Conv2d conv, InputSelection? input, int[]? keptFilters)
    {
        var weight = conv.weight.detach();
        var bias = conv.bias?.detach();
        if (keptFilters is not null)
        {
            weight = weight.index_select(0, Indices(keptFilters));
            bias = bias?.index_select(0, Indices(keptFilters));
        }

        if (input is not null)
        {
            var added = input.BiasIncrease(weight.to_type(ScalarType.Float64).sum(new long[] { 2, 3 }));
            bias = (bias is null ? added : bias.to_type(ScalarType.Float64) + added).to_type(weight.dtype);
            weight = weight.index_select(1, Indices(input.Kept));
        }

        var kernel = (conv.kernel_size[0], conv.kernel_size[^1]);
        var stride = (conv.stride[0], conv.stride[^1]);
        var dilation = (conv.dilation[0], conv.dilation[^1]);
        var created = conv.padding_type is { } paddingType
            ? nn.Conv2d(weight.shape[1] * conv.groups, weight.shape[0], kernel, paddingType, stride, dilation, conv.padding_mode, conv.groups, bias is not null)
            : nn.Conv2d(weight.shape[1] * conv.groups, weight.shape[0], kernel, stride, (conv.padding![0], conv.padding[^1]), dilation, conv.padding_mode, conv.groups, bias is not null);
        created.weight.copy_(weight);
        created.bias?.copy_(bias!);
        return created;
    }

    private static Linear NewLinear(Linear linear, InputSelection? input)
    {
        var weight = linear.weight.detach();
        var bias = linear.bias?.detach();
        if (input is not null)
        {
            var byChannel = weight.reshape(weight.shape[0], -1, input.FeaturesPerChannel);
            var added = input.BiasIncrease(byChannel.to_type(ScalarType.Float64).sum(2));
            bias = (bias is null ? added : bias.to_type(ScalarType.Float64) + added).to_type(weight.dtype);
            weight = byChannel.index_select(1, Indices(input.Kept)).reshape(weight.shape[0], -1);
        }

        var created = nn.Linear(weight.shape[1], weight.shape[0], hasBias: bias is not null);
        created.weight.copy_(weight);
        created.bias?.copy_(bias!);
        return created;
    }

    private static nn.Module NewBatchNorm(BatchNorm batchNorm, int[]? kept)
    {
        Tensor Select(Tensor tensor) => kept is null ? tensor.detach() : tensor.detach().index_select(0, Indices(kept));

        var features = kept?.Length ?? batchNorm.num_features;
        BatchNorm created = batchNorm is BatchNorm1d
            ? nn.BatchNorm1d(features, batchNorm.eps, batchNorm.momentum ?? 0.1, batchNorm.affine, batchNorm.track_running_stats)
            : nn.BatchNorm2d(features, batchNorm.eps, batchNorm.momentum ?? 0.1, batchNorm.affine, batchNorm.track_running_stats);
        created.weight?.copy_(Select(batchNorm.weight!));
        created.bias?.copy_(Select(batchNorm.bias!));
        created.running_mean?.copy_(Select(batchNorm.running_mean!));
        created.running_var?.copy_(Select(batchNorm.running_var!));
        created.num_batches_tracked?.copy_(batchNorm.num_batches_tracked!);
        created.eval();
        return created;
    }

    private static NotSupportedException Unsupported(string path, nn.Module module) => new(
        $"filter removal does not support module '{path}' of type {module.GetType().Name}; it supports Sequential trees of Conv2d, Linear, " +
        "BatchNorm1d/2d, ReLU, ReLU6, Sigmoid, Tanh, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten, Dropout, Identity, Softmax and ResidualBlock");

    /// <summary>A consumer's kept input channels, and the constant each removed channel carried.</summary>
    private sealed record InputSelection(int[] Kept, double[] Constants, long FeaturesPerChannel)
    {
        /// <summary>What the removed constant channels added to each output: Σ over removed channels of c · (sum of that channel's weights).</summary>
        public Tensor BiasIncrease(Tensor weightSumsByChannel) =>
            weightSumsByChannel.matmul(tensor(Constants, ScalarType.Float64));
    }

    private sealed class Pending
    {
        public Pending(Conv2d producer, double?[] constants)
        {
            Producer = producer;
            Constants = constants;
        }

        public Conv2d Producer { get; }

        /// <summary>Per channel of the current value: the constant it holds when its filter is all zero, else null.</summary>
        public double?[] Constants { get; set; }

        public List<BatchNorm2d> BatchNorms { get; } = new();

        public bool OnlyBatchNormsSoFar { get; set; } = true;

        public bool Flattened { get; set; }

        public long FeaturesPerChannel { get; set; }
    }
}
