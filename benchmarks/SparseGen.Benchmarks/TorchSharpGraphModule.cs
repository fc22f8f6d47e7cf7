using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model;
using SparseGen.Model.Graph;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace SparseGen.Benchmarks;

/// <summary>
/// An ONNX model as a TorchSharp module: each operation of the imported graph becomes the matching
/// <c>torch.nn</c> module (Conv2d, Linear, ReLU, MaxPool2d, Flatten, BatchNorm, ...), with the weights read from
/// the file's initializers, run in graph order over named values, so residual connections work too.
/// </summary>
internal sealed class TorchSharpGraphModule : nn.Module<Tensor, Tensor>
{
    private readonly List<Step> _steps = new();
    private readonly string _inputName;
    private readonly string _outputName;

    private TorchSharpGraphModule(ModelGraph graph)
        : base(nameof(TorchSharpGraphModule))
    {
        _inputName = graph.InputName;
        _outputName = graph.OutputName;
        using (no_grad())
        {
            foreach (var op in graph.Operations)
            {
                var module = ModuleFor(op, graph.ShapeOf(op.Inputs[0]).Length);
                var step = new Step(op.Inputs.ToArray(), op.Output, module, ActivationFor(op));
                _steps.Add(step);
                if (module is not null)
                {
                    register_module(Sanitize(op.Name) + "_" + _steps.Count, module);
                }

                if (step.Activation is not null)
                {
                    register_module(Sanitize(op.Name) + "_activation_" + _steps.Count, step.Activation);
                }
            }
        }

        eval();
    }

    /// <summary>Reads the ONNX file with SparseGen's importer (no optimisation passes) and builds the module.</summary>
    public static TorchSharpGraphModule Load(string path)
    {
        var loaded = ModelLoader.LoadFile(path);
        if (!loaded.Succeeded)
        {
            throw new InvalidOperationException($"{path}: {loaded.Error}");
        }

        return new TorchSharpGraphModule(loaded.Graph!);
    }

    public override Tensor forward(Tensor input) => Values(input)[_outputName];

    /// <summary>Every value of the graph for this input, by name (to find where two runtimes part).</summary>
    public IReadOnlyDictionary<string, Tensor> Values(Tensor input)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [_inputName] = input };
        foreach (var step in _steps)
        {
            var result = step.Module switch
            {
                nn.Module<Tensor, Tensor> unary => unary.call(values[step.Inputs[0]]),
                null => values[step.Inputs[0]] + values[step.Inputs[1]],
            };
            values[step.Output] = step.Activation is null ? result : step.Activation.call(result);
        }

        return values;
    }

    private static nn.Module<Tensor, Tensor>? ModuleFor(Operation op, int inputRankPerSample) => op switch
    {
        ConvOperation conv => Conv(conv),
        DenseOperation dense => Linear(dense),
        AddOperation => null,
        AddConstantOperation add => new AddConstant(ToTorch(add.Constant.Data, add.Constant.Shape)),
        ActivationOperation activation => Activation(activation.Activation) ?? nn.Identity(),
        PoolOperation pool => Pool(pool),
        GlobalAveragePoolOperation global => global.KeepDims ? nn.AdaptiveAvgPool2d(1) : nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()),
        ReshapeOperation reshape => reshape.IsFlatten ? nn.Flatten() : new Reshape(reshape.TargetShape),
        BatchNormOperation batchNorm => BatchNorm(batchNorm, inputRankPerSample),
        SoftmaxOperation softmax when !softmax.CoerceTo2D || inputRankPerSample == softmax.Axis => nn.Softmax(softmax.Axis),
        _ => throw new NotSupportedException($"no TorchSharp module for {op.OpType} '{op.Name}'"),
    };

    private static nn.Module<Tensor, Tensor>? ActivationFor(Operation op) => op switch
    {
        ConvOperation conv => Activation(conv.Activation),
        DenseOperation dense => Activation(dense.Activation),
        AddOperation add => Activation(add.Activation),
        _ => null,
    };

    private static nn.Module<Tensor, Tensor>? Activation(Activation activation) => activation.Kind switch
    {
        ActivationKind.None => null,
        ActivationKind.Relu => nn.ReLU(),
        ActivationKind.Clip => new Clamp(activation.Min, activation.Max),
        ActivationKind.Sigmoid => nn.Sigmoid(),
        ActivationKind.Tanh => nn.Tanh(),
        _ => throw new NotSupportedException($"no TorchSharp module for activation {activation}"),
    };

    private static Conv2d Conv(ConvOperation op)
    {
        RequireSymmetric(op.Pads, op.Name);
        var conv = nn.Conv2d(
            op.InputChannelsPerGroup * op.Group,
            op.OutputChannels,
            (op.KernelHeight, op.KernelWidth),
            stride: (op.Strides[0], op.Strides[1]),
            padding: (op.Pads[0], op.Pads[1]),
            dilation: (op.Dilations[0], op.Dilations[1]),
            groups: op.Group,
            bias: op.Bias is not null);
        conv.weight!.copy_(ToTorch(op.Weight.Data, op.Weight.Shape));
        conv.bias?.copy_(tensor(op.Bias!));
        return conv;
    }

    private static Linear Linear(DenseOperation op)
    {
        var linear = nn.Linear(op.InputFeatures, op.OutputFeatures, hasBias: op.Bias is not null);
        linear.weight!.copy_(ToTorch(op.Weight.Data, op.Weight.Shape));
        linear.bias?.copy_(tensor(op.Bias!));
        return linear;
    }

    private static nn.Module<Tensor, Tensor> Pool(PoolOperation op)
    {
        RequireSymmetric(op.Pads, op.Name);
        var kernel = new long[] { op.Kernel[0], op.Kernel[1] };
        var strides = new long[] { op.Strides[0], op.Strides[1] };
        var pads = new long[] { op.Pads[0], op.Pads[1] };
        if (op.Kind == PoolKind.Max)
        {
            return nn.MaxPool2d(kernel, strides, pads, new long[] { op.Dilations[0], op.Dilations[1] }, op.CeilMode);
        }

        if (op.Dilations.Any(d => d != 1))
        {
            throw new NotSupportedException($"AveragePool '{op.Name}' is dilated");
        }

        return nn.AvgPool2d(kernel, strides, pads, op.CeilMode, op.CountIncludePad);
    }

    private static nn.Module<Tensor, Tensor> BatchNorm(BatchNormOperation op, int inputRankPerSample)
    {
        BatchNorm batchNorm = inputRankPerSample == 3
            ? nn.BatchNorm2d(op.Channels, op.Epsilon)
            : nn.BatchNorm1d(op.Channels, op.Epsilon);
        batchNorm.weight!.copy_(tensor(op.Scale));
        batchNorm.bias!.copy_(tensor(op.Bias));
        batchNorm.running_mean!.copy_(tensor(op.Mean));
        batchNorm.running_var!.copy_(tensor(op.Variance));
        return batchNorm;
    }

    private static Tensor ToTorch(float[] data, int[] shape) => tensor(data, shape.Select(d => (long)d).ToArray());

    private static void RequireSymmetric(int[] pads, string name)
    {
        if (pads[0] != pads[2] || pads[1] != pads[3])
        {
            throw new NotSupportedException($"'{name}' pads asymmetrically ({string.Join(", ", pads)})");
        }
    }

    private static string Sanitize(string name) => new(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    private sealed record Step(string[] Inputs, string Output, nn.Module<Tensor, Tensor>? Module, nn.Module<Tensor, Tensor>? Activation);

    /// <summary>Clip: x limited to [min, max]. (nn.Hardtanh(0, 6) disagreed with ONNX Runtime by 0.8 here; `check` found it.)</summary>
    private sealed class Clamp : nn.Module<Tensor, Tensor>
    {
        private readonly double _min;
        private readonly double _max;

        public Clamp(double min, double max)
            : base(nameof(Clamp))
        {
            _min = min;
            _max = max;
        }

        public override Tensor forward(Tensor input) => input.clamp(_min, _max);
    }

    /// <summary>A new per-sample shape, the batch dimension kept.</summary>
    private sealed class Reshape : nn.Module<Tensor, Tensor>
    {
        private readonly long[] _perSample;

        public Reshape(int[] perSample)
            : base(nameof(Reshape)) => _perSample = perSample.Select(d => (long)d).ToArray();

        public override Tensor forward(Tensor input) => input.reshape(new[] { input.shape[0] }.Concat(_perSample).ToArray());
    }

    /// <summary>x + c, the constant per sample (broadcast over the batch).</summary>
    private sealed class AddConstant : nn.Module<Tensor, Tensor>
    {
        private readonly Tensor _constant;

        public AddConstant(Tensor constant)
            : base(nameof(AddConstant))
        {
            _constant = constant;
            register_buffer("constant", _constant);
        }

        public override Tensor forward(Tensor input) => input + _constant;
    }
}
