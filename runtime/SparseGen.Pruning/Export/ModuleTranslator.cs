using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Onnx;
using SparseGen.Pruning.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Export;

/// <summary>An ONNX value during export: its name, and a one-sample TorchSharp tensor of the same shape.</summary>
internal readonly record struct Value(string Name, Tensor Sample);

/// <summary>
/// Translates a module tree into ONNX nodes, one module at a time. Each module also runs once on a
/// one-sample tensor, so every value's shape is known exactly as TorchSharp computes it (a Softmax's
/// axis, a Linear's input rank, the output's dims) without re-deriving shape rules here.
/// </summary>
internal sealed class ModuleTranslator
{
    private const string Supported =
        "the exporter supports Sequential, Conv2d, Linear, ReLU, ReLU6, Sigmoid, Tanh, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1), " +
        "Flatten, BatchNorm1d, BatchNorm2d, Dropout, Softmax, Identity and SparseGen.Pruning.Modules.ResidualBlock";

    private readonly OnnxModelBuilder _builder;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<OnnxNodeProto> _nodes = new();

    public ModuleTranslator(OnnxModelBuilder builder)
    {
        _builder = builder;
        _names.Add(OnnxExporter.InputName);
        _names.Add(OnnxExporter.OutputName);
    }

    /// <summary>Elements of the Conv2d and Linear weights written.</summary>
    public long WeightCount { get; private set; }

    /// <summary>Of those, the elements that are exactly zero.</summary>
    public long ZeroWeightCount { get; private set; }

    public Value Translate(nn.Module module, string path, Value input) => module switch
    {
        Sequential sequential => TranslateSequential(sequential, path, input),
        ResidualBlock block => TranslateResidualBlock(block, path, input),
        Conv2d conv => TranslateConv(conv, path, input),
        Linear linear => TranslateLinear(linear, path, input),
        ReLU => Unary("Relu", module, path, input),
        ReLU6 => TranslateReLU6(module, path, input),
        Sigmoid => Unary("Sigmoid", module, path, input),
        Tanh => Unary("Tanh", module, path, input),
        MaxPool2d pool => TranslateMaxPool(pool, path, input),
        AvgPool2d pool => TranslateAvgPool(pool, path, input),
        AdaptiveAvgPool2d pool => TranslateAdaptiveAvgPool(pool, path, input),
        Flatten flatten => TranslateFlatten(flatten, path, input),
        BatchNorm1d or BatchNorm2d => TranslateBatchNorm((BatchNorm)module, path, input),
        Softmax softmax => TranslateSoftmax(softmax, path, input),
        // Identity at inference: Dropout in eval mode passes its input through.
        Dropout or Identity => input,
        _ => throw new UnsupportedModuleException(path, module.GetType().Name, Supported + "."),
    };

    /// <summary>Makes <paramref name="output"/> the graph output called <paramref name="name"/>.</summary>
    public void NameGraphOutput(Value output, string name)
    {
        var producer = _nodes.LastOrDefault(n => n.Outputs.Contains(output.Name));
        if (producer is null || _nodes.Any(n => n != producer && n.Inputs.Contains(output.Name)))
        {
            // The output is the graph input itself, or a value other nodes also read (a residual input).
            _builder.Node("Identity", new[] { output.Name }, new[] { name });
            return;
        }

        producer.Outputs[producer.Outputs.IndexOf(output.Name)] = name;
    }

    private Value TranslateSequential(Sequential sequential, string path, Value input)
    {
        var current = input;
        foreach (var (name, child) in sequential.named_children())
        {
            current = Translate(child, Join(path, name), current);
        }

        return current;
    }

    private Value TranslateResidualBlock(ResidualBlock block, string path, Value input)
    {
        var branch = Translate(block.conv1, Join(path, "conv1"), input);
        branch = Translate(block.bn1, Join(path, "bn1"), branch);
        branch = Unary("Relu", block.relu, Join(path, "relu"), branch);
        branch = Translate(block.conv2, Join(path, "conv2"), branch);
        branch = Translate(block.bn2, Join(path, "bn2"), branch);
        var shortcut = block.downsample is null ? input : Translate(block.downsample, Join(path, "downsample"), input);
        var sum = Emit("Add", Join(path, "add"), new[] { branch.Name, shortcut.Name }, branch.Sample + shortcut.Sample);
        return Emit("Relu", Join(path, "out"), new[] { sum.Name }, nn.functional.relu(sum.Sample));
    }

    private Value TranslateConv(Conv2d conv, string path, Value input)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
        {
            throw new UnsupportedModuleException(path, nameof(Conv2d), $"padding_mode {conv.padding_mode} has no ONNX Conv equivalent; use PaddingModes.Zeros");
        }

        var kernel = Pair(conv.kernel_size);
        var dilation = Pair(conv.dilation);
        long[] pads;
        if (conv.padding_type is Padding.Same)
        {
            // TorchSharp's rule for padding='same': total dilation·(k−1), the odd pixel at the end.
            pads = new long[4];
            for (var axis = 0; axis < 2; axis++)
            {
                var total = dilation[axis] * (kernel[axis] - 1);
                pads[axis] = total / 2;
                pads[axis + 2] = total - total / 2;
            }
        }
        else
        {
            var padding = conv.padding_type is Padding.Valid || conv.padding is null ? new long[] { 0, 0 } : Pair(conv.padding);
            pads = new[] { padding[0], padding[1], padding[0], padding[1] };
        }

        var inputs = new List<string> { input.Name, Weight(conv, path, conv.weight) };
        if (conv.bias is { } bias)
        {
            inputs.Add(Initializer(Join(path, "bias"), bias));
        }

        return Emit(
            "Conv",
            path,
            inputs.ToArray(),
            conv.forward(input.Sample),
            OnnxModelBuilder.Attr("kernel_shape", kernel),
            OnnxModelBuilder.Attr("strides", Pair(conv.stride)),
            OnnxModelBuilder.Attr("pads", pads),
            OnnxModelBuilder.Attr("dilations", dilation),
            OnnxModelBuilder.Attr("group", conv.groups));
    }

    private Value TranslateLinear(Linear linear, string path, Value input)
    {
        if (input.Sample.dim() != 2)
        {
            throw new UnsupportedModuleException(
                path,
                nameof(Linear),
                $"its input has shape [{string.Join(", ", input.Sample.shape.Skip(1))}] per sample; the exporter writes Linear as Gemm over [batch, features]: put a Flatten before it");
        }

        var inputs = new List<string> { input.Name, Weight(linear, path, linear.weight) };
        if (linear.bias is { } bias)
        {
            inputs.Add(Initializer(Join(path, "bias"), bias));
        }

        return Emit("Gemm", path, inputs.ToArray(), linear.forward(input.Sample), OnnxModelBuilder.Attr("transB", 1L));
    }

    private Value TranslateReLU6(nn.Module module, string path, Value input)
    {
        var min = FloatInitializer(Join(path, "min"), Array.Empty<int>(), new[] { 0f });
        var max = FloatInitializer(Join(path, "max"), Array.Empty<int>(), new[] { 6f });
        return Emit("Clip", path, new[] { input.Name, min, max }, Run(module, input.Sample));
    }

    private Value TranslateMaxPool(MaxPool2d pool, string path, Value input)
    {
        var kernel = Pair(pool.kernel_size);
        var padding = pool.padding is null ? new long[] { 0, 0 } : Pair(pool.padding);
        return Emit(
            "MaxPool",
            path,
            new[] { input.Name },
            pool.forward(input.Sample),
            OnnxModelBuilder.Attr("kernel_shape", kernel),
            OnnxModelBuilder.Attr("strides", pool.stride is null ? kernel : Pair(pool.stride)),
            OnnxModelBuilder.Attr("pads", new[] { padding[0], padding[1], padding[0], padding[1] }),
            OnnxModelBuilder.Attr("dilations", pool.dilation is null ? new long[] { 1, 1 } : Pair(pool.dilation)),
            OnnxModelBuilder.Attr("ceil_mode", pool.ceil_mode ? 1L : 0L));
    }

    private Value TranslateAvgPool(AvgPool2d pool, string path, Value input)
    {
        if (pool.divisor_override is not null)
        {
            throw new UnsupportedModuleException(path, nameof(AvgPool2d), "divisor_override has no ONNX AveragePool equivalent");
        }

        if (pool.ceil_mode && pool.count_include_pad)
        {
            // Opset 17's AveragePool divides a window that runs past the padding by the whole kernel; PyTorch does not.
            throw new UnsupportedModuleException(path, nameof(AvgPool2d), "ceil_mode with count_include_pad averages some windows differently in ONNX opset 17; set one of them to false");
        }

        var kernel = Pair(pool.kernel_size);
        var padding = pool.padding is null ? new long[] { 0, 0 } : Pair(pool.padding);
        return Emit(
            "AveragePool",
            path,
            new[] { input.Name },
            pool.forward(input.Sample),
            OnnxModelBuilder.Attr("kernel_shape", kernel),
            OnnxModelBuilder.Attr("strides", pool.stride is null ? kernel : Pair(pool.stride)),
            OnnxModelBuilder.Attr("pads", new[] { padding[0], padding[1], padding[0], padding[1] }),
            OnnxModelBuilder.Attr("ceil_mode", pool.ceil_mode ? 1L : 0L),
            OnnxModelBuilder.Attr("count_include_pad", pool.count_include_pad ? 1L : 0L));
    }

    private Value TranslateAdaptiveAvgPool(AdaptiveAvgPool2d pool, string path, Value input)
    {
        if (pool.output_size.Any(size => size != 1))
        {
            throw new UnsupportedModuleException(
                path,
                nameof(AdaptiveAvgPool2d),
                $"output_size [{string.Join(", ", pool.output_size)}]: the exporter supports AdaptiveAvgPool2d(1), global average pooling");
        }

        return Emit("GlobalAveragePool", path, new[] { input.Name }, pool.forward(input.Sample));
    }

    private Value TranslateFlatten(Flatten flatten, string path, Value input)
    {
        var rank = input.Sample.dim();
        var end = flatten.end_dim < 0 ? flatten.end_dim + rank : flatten.end_dim;
        if (flatten.start_dim != 1 || end != rank - 1)
        {
            throw new UnsupportedModuleException(
                path,
                nameof(Flatten),
                $"start_dim {flatten.start_dim} and end_dim {flatten.end_dim}: the exporter supports Flatten() from dimension 1 to the last");
        }

        return Emit("Flatten", path, new[] { input.Name }, flatten.forward(input.Sample), OnnxModelBuilder.Attr("axis", 1L));
    }

    private Value TranslateBatchNorm(BatchNorm batchNorm, string path, Value input)
    {
        var type = batchNorm.GetType().Name;
        if (batchNorm.running_mean is null || batchNorm.running_var is null)
        {
            throw new UnsupportedModuleException(path, type, "it has no running statistics (track_running_stats=false), so it normalises with batch statistics even in eval mode");
        }

        var channels = (int)batchNorm.num_features;
        var scale = batchNorm.weight is { } weight
            ? Initializer(Join(path, "weight"), weight)
            : FloatInitializer(Join(path, "weight"), new[] { channels }, Enumerable.Repeat(1f, channels).ToArray());
        var shift = batchNorm.bias is { } bias
            ? Initializer(Join(path, "bias"), bias)
            : FloatInitializer(Join(path, "bias"), new[] { channels }, new float[channels]);
        var mean = Initializer(Join(path, "running_mean"), batchNorm.running_mean);
        var variance = Initializer(Join(path, "running_var"), batchNorm.running_var);
        return Emit(
            "BatchNormalization",
            path,
            new[] { input.Name, scale, shift, mean, variance },
            batchNorm.forward(input.Sample),
            OnnxModelBuilder.Attr("epsilon", (float)batchNorm.eps));
    }

    private Value TranslateSoftmax(Softmax softmax, string path, Value input)
    {
        var rank = input.Sample.dim();
        var axis = softmax.dim < 0 ? softmax.dim + rank : softmax.dim;
        if (axis < 1 || axis >= rank)
        {
            throw new UnsupportedModuleException(path, nameof(Softmax), $"dim {softmax.dim} of a rank-{rank} input normalises across the batch; use a dimension from 1 on");
        }

        return Emit("Softmax", path, new[] { input.Name }, softmax.forward(input.Sample), OnnxModelBuilder.Attr("axis", axis));
    }

    private Value Unary(string opType, nn.Module module, string path, Value input) =>
        Emit(opType, path, new[] { input.Name }, Run(module, input.Sample));

    private static Tensor Run(nn.Module module, Tensor sample) => ((nn.Module<Tensor, Tensor>)module).forward(sample);

    private Value Emit(string opType, string path, string[] inputs, Tensor sample, params OnnxAttributeProto[] attributes)
    {
        var output = Unique(path.Length == 0 ? opType : path);
        _nodes.Add(_builder.Node(opType, inputs, new[] { output }, attributes));
        return new Value(output, sample);
    }

    /// <summary>
    /// Writes a layer's weight as the model computes with it. A layer pruned the torch.nn.utils.prune way
    /// holds <c>weight_orig</c> and a <c>weight_mask</c> buffer: their product is the weight, with exact zeros.
    /// </summary>
    private string Weight(nn.Module layer, string path, Tensor weight)
    {
        var original = layer.named_parameters(false).Where(p => p.name == "weight_orig").Select(p => (Tensor)p.parameter).FirstOrDefault();
        var mask = layer.named_buffers(false, true).Where(b => b.name == "weight_mask").Select(b => b.buffer).FirstOrDefault();
        var effective = original is not null && mask is not null ? original * mask : mask is not null ? weight * mask : weight;
        var name = Initializer(Join(path, "weight"), effective, out var data);
        WeightCount += data.Length;
        ZeroWeightCount += data.LongCount(w => w == 0f);
        return name;
    }

    private string Initializer(string name, Tensor tensor) => Initializer(name, tensor, out _);

    private string Initializer(string name, Tensor tensor, out float[] data)
    {
        var values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
        data = values.data<float>().ToArray();
        return FloatInitializer(name, values.shape.Select(d => (int)d).ToArray(), data);
    }

    private string FloatInitializer(string name, int[] shape, float[] data)
    {
        var unique = Unique(name);
        _builder.Initializer(unique, shape, data);
        return unique;
    }

    private string Unique(string name)
    {
        var candidate = name;
        for (var suffix = 1; !_names.Add(candidate); suffix++)
        {
            candidate = name + "_" + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static long[] Pair(long[] values) => values.Length == 1 ? new[] { values[0], values[0] } : values;
}
