using System;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Onnx;

// One method per ONNX op: read the attributes the spec defines (with its defaults for the model's
// opset), check what SparseGen can compute exactly, and emit IR.
public sealed partial class OnnxImporter
{
    private void ImportNode(OnnxNodeProto node, string label)
    {
        if (node.Domain is not ("" or "ai.onnx"))
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedOp,
                $"op '{node.OpType}' of domain '{node.Domain}' is not a standard ONNX op",
                label,
                $"SparseGen supports these ops of the default domain: {string.Join(", ", SupportedOps)}. Export without custom or contrib ops.");
        }

        // An op SparseGen does not know is reported as such before its outputs are looked at: an RNN whose optional
        // first output is left empty is a valid model with an unsupported op, not a broken graph.
        if (!SupportedOps.Contains(node.OpType))
        {
            throw Unsupported(node, label);
        }

        if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0)
        {
            throw new ModelException(ModelErrorCode.InvalidGraph, $"{node.OpType} has no output", label, "Export the model again.");
        }

        var attributes = new NodeAttributes(node, label);
        switch (node.OpType)
        {
            case "Constant": ImportConstant(node, label, attributes); break;
            case "Identity": Alias(node, label, 0); break;
            case "Dropout": ImportDropout(node, label); break;
            case "Shape": ImportShape(node, label, attributes); break;
            case "Gather": ImportGather(node, label, attributes); break;
            case "Unsqueeze": ImportUnsqueeze(node, label, attributes, squeeze: false); break;
            case "Squeeze": ImportUnsqueeze(node, label, attributes, squeeze: true); break;
            case "Concat": ImportConcat(node, label, attributes); break;
            case "Slice": ImportSlice(node, label, attributes); break;
            case "Cast": ImportCast(node, label, attributes); break;
            case "Reshape": ImportReshape(node, label, attributes); break;
            case "Flatten": ImportFlatten(node, label, attributes); break;
            case "Conv": ImportConv(node, label, attributes); break;
            case "Gemm": ImportGemm(node, label, attributes); break;
            case "MatMul": ImportMatMul(node, label); break;
            case "Add": ImportAdd(node, label); break;
            case "Relu": ImportActivation(node, label, Activation.Relu); break;
            case "Sigmoid": ImportActivation(node, label, Activation.Sigmoid); break;
            case "Tanh": ImportActivation(node, label, Activation.Tanh); break;
            case "Clip": ImportClip(node, label, attributes); break;
            case "Softmax": ImportSoftmax(node, label, attributes); break;
            case "MaxPool": ImportPool(node, label, attributes, PoolKind.Max); break;
            case "AveragePool": ImportPool(node, label, attributes, PoolKind.Average); break;
            case "GlobalAveragePool": ImportGlobalAveragePool(node, label); break;
            case "ReduceMean": ImportReduceMean(node, label, attributes); break;
            case "BatchNormalization": ImportBatchNorm(node, label, attributes); break;
            default:
                throw Unsupported(node, label);
        }
    }

    private static ModelException Unsupported(OnnxNodeProto node, string label) => new(
        ModelErrorCode.UnsupportedOp,
        $"op '{node.OpType}' is not supported",
        label,
        $"SparseGen supports: {string.Join(", ", SupportedOps)}. Replace the layer, or open an issue naming the op.");

    // ---- inputs -------------------------------------------------------------------------------

    private string InputName(OnnxNodeProto node, int index) =>
        index < node.Inputs.Count ? Resolve(node.Inputs[index]) : "";

    private bool IsConstant(OnnxNodeProto node, int index) => _constants.ContainsKey(InputName(node, index));

    private ConstantValue? OptionalConstant(OnnxNodeProto node, int index, string label, string what)
    {
        var name = InputName(node, index);
        if (name.Length == 0)
        {
            return null;
        }

        return _constants.TryGetValue(name, out var value) ? value : throw NotConstant(node, label, what, name);
    }

    private ConstantValue RequireConstant(OnnxNodeProto node, int index, string label, string what) =>
        OptionalConstant(node, index, label, what)
        ?? throw new ModelException(ModelErrorCode.InvalidGraph, $"{node.OpType} is missing its {what} (input {index})", label, "Export the model again.");

    private ModelException NotConstant(OnnxNodeProto node, string label, string what, string name) => new(
        ModelErrorCode.MissingInitializer,
        $"the {what} of {node.OpType} ('{name}') is computed at run time; SparseGen needs it as an initializer or Constant",
        label,
        "SparseGen compiles weights and shapes into code: export with the weights as initializers (the default) and do_constant_folding=True.");

    private string RequireActivation(OnnxNodeProto node, int index, string label, string what)
    {
        var name = InputName(node, index);
        if (name.Length == 0)
        {
            throw new ModelException(ModelErrorCode.InvalidGraph, $"{node.OpType} is missing its {what} (input {index})", label, "Export the model again.");
        }

        if (!_shapes.ContainsKey(name))
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedOp,
                $"the {what} of {node.OpType} ('{name}') is a constant; SparseGen expects it to depend on the model input",
                label,
                "Fold constant subexpressions when exporting (do_constant_folding=True).");
        }

        return name;
    }

    private static string Output(OnnxNodeProto node) => node.Outputs[0];

    private void RequireUnusedOutputs(OnnxNodeProto node, string label, string what)
    {
        for (var i = 1; i < node.Outputs.Count; i++)
        {
            var extra = node.Outputs[i];
            if (extra.Length > 0 && (_graph.Nodes.Any(n => n.Inputs.Contains(extra)) || _graph.Outputs.Any(o => o.Name == extra)))
            {
                throw new ModelException(
                    ModelErrorCode.UnsupportedOp,
                    $"{node.OpType} output {i} ('{extra}', {what}) is used; SparseGen computes inference outputs only",
                    label,
                    "Export the model in eval mode (model.eval()) so training-only outputs are not used.");
            }
        }
    }

    // ---- structural ops -----------------------------------------------------------------------

    private void Alias(OnnxNodeProto node, string label, int index)
    {
        var source = InputName(node, index);
        if (source.Length == 0)
        {
            throw new ModelException(ModelErrorCode.InvalidGraph, $"{node.OpType} has no input", label, "Export the model again.");
        }

        _aliases[Output(node)] = source;
    }

    private void ImportDropout(OnnxNodeProto node, string label)
    {
        RequireUnusedOutputs(node, label, "the dropout mask");
        if (node.Inputs.Count > 2 && InputName(node, 2).Length > 0)
        {
            var training = RequireConstant(node, 2, label, "training_mode");
            if (training.ToScalar(label, "training_mode") != 0)
            {
                throw new ModelException(ModelErrorCode.UnsupportedAttribute, "Dropout runs in training mode", label, "Export the model after model.eval().");
            }
        }

        Alias(node, label, 0);
    }

    private void ImportConstant(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        ConstantValue value;
        if (attributes.Tensor("value") is { } tensor)
        {
            value = ConstantValue.FromTensor(tensor, label);
        }
        else if (attributes.Has("value_float"))
        {
            value = ConstantValue.OfFloats(Array.Empty<int>(), new[] { attributes.Float("value_float", 0) });
        }
        else if (attributes.Floats("value_floats") is { } floats)
        {
            value = ConstantValue.OfFloats(new[] { floats.Length }, floats);
        }
        else if (attributes.Has("value_int"))
        {
            value = ConstantValue.OfInts(Array.Empty<int>(), new[] { attributes.Int("value_int", 0) });
        }
        else if (attributes.Ints("value_ints") is { } ints)
        {
            value = ConstantValue.OfInts(new[] { ints.Length }, ints);
        }
        else
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                "Constant has none of value, value_float(s), value_int(s)",
                label,
                "SparseGen reads numeric constants; export the model again.");
        }

        _constants[Output(node)] = value;
    }

    private void ImportFlatten(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("Flatten", "axis");
        var input = RequireActivation(node, 0, label, "input");
        var shape = _shapes[input];
        var rank = shape.Length + 1;
        var axis = attributes.Int("axis", 1);
        if (axis < 0)
        {
            axis += rank;
        }

        if (axis != 1)
        {
            // Flatten always yields 2-D [d0·…·d(axis-1), rest]: any axis but 1 mixes the batch into a dimension.
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                $"Flatten with axis {attributes.Int("axis", 1)} on a rank-{rank} tensor would merge the batch dimension with other dimensions",
                label,
                "Flatten from axis 1 (torch.flatten(x, 1) or nn.Flatten()).");
        }

        var target = new[] { -1 };
        Add(new ReshapeOperation(UniqueName(label), input, Output(node), target));
    }

    // ---- layers -------------------------------------------------------------------------------

    private void ImportConv(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("Conv", "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        var input = RequireActivation(node, 0, label, "input");
        var weight = RequireConstant(node, 1, label, "weight").ToTensor(label, "the Conv weight");
        var bias = OptionalConstant(node, 2, label, "bias")?.ToTensor(label, "the Conv bias").Data;
        if (weight.Rank != 4)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedOp,
                $"Conv has a {weight.Rank - 2}-D kernel {weight}; SparseGen supports 2-D convolution",
                label,
                "Use Conv2d; for Conv1d, reshape to [N, C, 1, L] and use a 1×k Conv2d.");
        }

        var kernel = new[] { weight.Shape[2], weight.Shape[3] };
        if (attributes.Ints("kernel_shape") is { } declared && !declared.SequenceEqual(kernel.Select(k => (long)k)))
        {
            throw new ModelException(
                ModelErrorCode.ShapeMismatch,
                $"Conv declares kernel_shape [{string.Join(", ", declared)}] but its weight is {weight}",
                label,
                "Export the model again.");
        }

        var group = attributes.Int("group", 1);
        if (group < 1 || group > ModelLimits.MaxDimension)
        {
            throw new ModelException(ModelErrorCode.UnsupportedAttribute, $"Conv has group {group}", label, "group must be a positive divisor of the channel counts.");
        }

        var strides = Pair(attributes.Ints("strides"), 1, label, "strides");
        var dilations = Pair(attributes.Ints("dilations"), 1, label, "dilations");
        var pads = Pads(attributes, label, _shapes[input], kernel, strides, dilations);
        Add(new ConvOperation(UniqueName(label), input, Output(node), weight, bias, (int)group, strides, pads, dilations, Activation.None));
    }

    private void ImportGemm(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("Gemm", "alpha", "beta", "transA", "transB");
        if (attributes.Int("transA", 0) != 0)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                "Gemm with transA = 1 transposes the batch into the features",
                label,
                "Export nn.Linear layers as they are (they write transA = 0).");
        }

        var input = RequireActivation(node, 0, label, "input A");
        if (_shapes[input].Length != 1)
        {
            throw new ModelException(
                ModelErrorCode.ShapeMismatch,
                $"Gemm input has per-sample shape {ShapeInference.Format(_shapes[input])}; Gemm needs [batch, K]",
                label,
                "Flatten the input before the Linear layer.");
        }

        var b = RequireConstant(node, 1, label, "weight B").ToTensor(label, "the Gemm weight");
        if (b.Rank != 2)
        {
            throw new ModelException(ModelErrorCode.ShapeMismatch, $"Gemm weight has shape {b}, expected 2-D", label, "Export the model again.");
        }

        var alpha = attributes.Float("alpha", 1f);
        var beta = attributes.Float("beta", 1f);
        var transB = attributes.Int("transB", 0) != 0;
        var rows = transB ? b.Shape[0] : b.Shape[1];
        var columns = transB ? b.Shape[1] : b.Shape[0];
        var weight = new float[rows * columns];
        for (var m = 0; m < rows; m++)
        {
            for (var k = 0; k < columns; k++)
            {
                var value = transB ? b.Data[m * columns + k] : b.Data[k * rows + m];
                weight[m * columns + k] = alpha == 1f ? value : alpha * value;
            }
        }

        float[]? bias = null;
        if (OptionalConstant(node, 2, label, "bias C") is { } c)
        {
            var data = c.ToTensor(label, "the Gemm bias").Data;
            // C broadcasts to [batch, M]: per-output ([M], [1, M]) or a single value ([], [1], [1, 1]).
            if (c.Shape.Length > 2 || (c.Shape.Length == 2 && c.Shape[0] != 1) || (data.Length != rows && data.Length != 1))
            {
                throw new ModelException(
                    ModelErrorCode.ShapeMismatch,
                    $"Gemm bias C has shape {c}; SparseGen supports a bias per output ([{rows}] or [1, {rows}]) or a scalar",
                    label,
                    "Export nn.Linear layers as they are.");
            }

            bias = Enumerable.Range(0, rows).Select(m => beta * data[data.Length == 1 ? 0 : m]).ToArray();
        }

        Add(new DenseOperation(UniqueName(label), input, Output(node), new Tensor(new[] { rows, columns }, weight), bias, Activation.None));
    }

    private void ImportMatMul(OnnxNodeProto node, string label)
    {
        var input = RequireActivation(node, 0, label, "input A");
        if (!IsConstant(node, 1))
        {
            throw new ModelException(
                ModelErrorCode.MissingInitializer,
                $"MatMul multiplies two run-time values ('{InputName(node, 0)}' × '{InputName(node, 1)}'); SparseGen supports MatMul by a constant weight",
                label,
                "Attention-style products of two activations are not supported.");
        }

        var b = RequireConstant(node, 1, label, "weight B").ToTensor(label, "the MatMul weight");
        if (b.Rank != 2)
        {
            throw new ModelException(
                ModelErrorCode.ShapeMismatch,
                $"MatMul weight has shape {b}; SparseGen supports a 2-D weight [K, M]",
                label,
                "Use nn.Linear, which exports a 2-D weight.");
        }

        int k = b.Shape[0], m = b.Shape[1];
        var weight = new float[m * k];
        for (var row = 0; row < k; row++)
        {
            for (var column = 0; column < m; column++)
            {
                weight[column * k + row] = b.Data[row * m + column];
            }
        }

        Add(new DenseOperation(UniqueName(label), input, Output(node), new Tensor(new[] { m, k }, weight), null, Activation.None));
    }

    private void ImportAdd(OnnxNodeProto node, string label)
    {
        var left = InputName(node, 0);
        var right = InputName(node, 1);
        var leftConstant = _constants.TryGetValue(left, out var lc) ? lc : null;
        var rightConstant = _constants.TryGetValue(right, out var rc) ? rc : null;
        if (leftConstant is not null && rightConstant is not null)
        {
            _constants[Output(node)] = ConstantFolding.Add(leftConstant, rightConstant, label);
            return;
        }

        if (leftConstant is null && rightConstant is null)
        {
            RequireActivation(node, 0, label, "left operand");
            RequireActivation(node, 1, label, "right operand");
            if (!_shapes[left].SequenceEqual(_shapes[right]))
            {
                throw new ModelException(
                    ModelErrorCode.ShapeMismatch,
                    $"Add of {ShapeInference.Format(_shapes[left])} and {ShapeInference.Format(_shapes[right])}: SparseGen adds activations of equal shape (residual connections)",
                    label,
                    "Make both branches of the residual connection produce the same shape.");
            }

            Add(new AddOperation(UniqueName(label), left, right, Output(node), Activation.None));
            return;
        }

        var activation = leftConstant is null ? RequireActivation(node, 0, label, "left operand") : RequireActivation(node, 1, label, "right operand");
        var constant = leftConstant ?? rightConstant!;
        var expanded = ConstantFolding.BroadcastToSample(constant.ToTensor(label, "the Add constant"), _shapes[activation], label);
        Add(new AddConstantOperation(UniqueName(label), activation, Output(node), expanded));
    }

    private void ImportActivation(OnnxNodeProto node, string label, Activation activation)
    {
        var input = RequireActivation(node, 0, label, "input");
        Add(new ActivationOperation(UniqueName(label), input, Output(node), activation));
    }

    private void ImportClip(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        var input = RequireActivation(node, 0, label, "input");
        float min, max;
        if (_opset < 11)
        {
            attributes.RejectUnknown("Clip", "min", "max");
            min = attributes.Float("min", float.MinValue);
            max = attributes.Float("max", float.MaxValue);
        }
        else
        {
            attributes.RejectUnknown("Clip");
            // A missing bound is the largest finite float, as in ONNX Runtime (so +∞ clips to float.MaxValue), and as
            // the attributes of opsets before 11 default.
            min = OptionalConstant(node, 1, label, "min")?.ToScalar(label, "Clip min") ?? float.MinValue;
            max = OptionalConstant(node, 2, label, "max")?.ToScalar(label, "Clip max") ?? float.MaxValue;
        }

        if (float.IsNaN(min) || float.IsNaN(max) || min > max)
        {
            throw new ModelException(ModelErrorCode.UnsupportedAttribute, $"Clip has min {min} above max {max}", label, "Check the clip bounds.");
        }

        var activation = min == 0f && float.IsPositiveInfinity(max) ? Activation.Relu : Activation.Clip(min, max);
        Add(new ActivationOperation(UniqueName(label), input, Output(node), activation));
    }

    private void ImportSoftmax(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("Softmax", "axis");
        var input = RequireActivation(node, 0, label, "input");
        var rank = _shapes[input].Length + 1;
        var axis = attributes.Int("axis", _opset < 13 ? 1 : -1);
        if (axis < 0)
        {
            axis += rank;
        }

        Add(new SoftmaxOperation(UniqueName(label), input, Output(node), (int)Math.Max(-1, Math.Min(axis, int.MaxValue)), _opset < 13));
    }

    private void ImportPool(OnnxNodeProto node, string label, NodeAttributes attributes, PoolKind kind)
    {
        if (kind == PoolKind.Max)
        {
            attributes.RejectUnknown("MaxPool", "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
            RequireUnusedOutputs(node, label, "the argmax indices");
        }
        else
        {
            attributes.RejectUnknown("AveragePool", "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides");
        }

        var input = RequireActivation(node, 0, label, "input");
        var kernelAttribute = attributes.Ints("kernel_shape") ?? throw new ModelException(
            ModelErrorCode.InvalidAttribute, $"{node.OpType} has no kernel_shape", label, "Export the model again.");
        var kernel = Pair(kernelAttribute, null, label, "kernel_shape");
        var strides = Pair(attributes.Ints("strides"), 1, label, "strides");
        var dilations = Pair(attributes.Ints("dilations"), 1, label, "dilations");
        var pads = Pads(attributes, label, _shapes[input], kernel, strides, dilations);
        var ceil = attributes.Int("ceil_mode", 0) != 0;
        var countIncludePad = attributes.Int("count_include_pad", 0) != 0;
        if (kind == PoolKind.Average && ceil && countIncludePad && _opset < 19 && LastWindowPassesPadding(_shapes[input], kernel, strides, pads, dilations))
        {
            // Before opset 19 ONNX Runtime divides such a window by the whole kernel; from 19 on (and in
            // PyTorch) only by the positions inside the padded input. The IR follows the newer rule.
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                "AveragePool with ceil_mode and count_include_pad has a last window that runs past the padded input, where opsets below 19 average differently from PyTorch",
                label,
                "Export with opset_version=19 or later, or with ceil_mode=False.");
        }

        Add(new PoolOperation(UniqueName(label), input, Output(node), kind, kernel, strides, pads, dilations, ceil, countIncludePad));
    }

    private void ImportGlobalAveragePool(OnnxNodeProto node, string label)
    {
        var input = RequireActivation(node, 0, label, "input");
        Add(new GlobalAveragePoolOperation(UniqueName(label), input, Output(node), KeepDims: true));
    }

    private void ImportReduceMean(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("ReduceMean", "axes", "keepdims", "noop_with_empty_axes");
        var input = RequireActivation(node, 0, label, "input");
        var rank = _shapes[input].Length + 1;
        var axes = _opset >= 18
            ? OptionalConstant(node, 1, label, "axes")?.ToInts(label, "ReduceMean axes")
            : attributes.Ints("axes");
        var normalised = (axes ?? Array.Empty<long>()).Select(a => a < 0 ? a + rank : a).OrderBy(a => a).ToArray();
        if (rank != 4 || !normalised.SequenceEqual(new long[] { 2, 3 }))
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                $"ReduceMean over axes [{string.Join(", ", axes ?? Array.Empty<long>())}] of a rank-{rank} tensor; SparseGen supports the mean over H and W of [N, C, H, W]",
                label,
                "Use x.mean(dim=(2, 3)) or AdaptiveAvgPool2d(1) for global average pooling.");
        }

        Add(new GlobalAveragePoolOperation(UniqueName(label), input, Output(node), attributes.Int("keepdims", 1) != 0));
    }

    private void ImportBatchNorm(OnnxNodeProto node, string label, NodeAttributes attributes)
    {
        attributes.RejectUnknown("BatchNormalization", "epsilon", "momentum", "training_mode", "spatial");
        if (attributes.Int("training_mode", 0) != 0 || attributes.Int("spatial", 1) != 1)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                "BatchNormalization runs in training mode (or non-spatial mode)",
                label,
                "Export the model after model.eval().");
        }

        RequireUnusedOutputs(node, label, "running statistics");
        var input = RequireActivation(node, 0, label, "input");
        float[] Vector(int index, string what) => RequireConstant(node, index, label, what).ToTensor(label, $"BatchNormalization {what}").Data;
        Add(new BatchNormOperation(
            UniqueName(label),
            input,
            Output(node),
            Vector(1, "scale"),
            Vector(2, "bias"),
            Vector(3, "mean"),
            Vector(4, "variance"),
            attributes.Float("epsilon", 1e-5f)));
    }

    private static bool LastWindowPassesPadding(int[] input, int[] kernel, int[] strides, int[] pads, int[] dilations)
    {
        for (var axis = 0; axis < 2; axis++)
        {
            var size = input[axis + 1];
            var outputs = ShapeInference.WindowOutputLength(size, kernel[axis], strides[axis], pads[axis], pads[axis + 2], dilations[axis], ceilMode: true);
            var lastEnd = (long)(outputs - 1) * strides[axis] + (long)dilations[axis] * (kernel[axis] - 1) + 1;
            if (lastEnd > size + pads[axis] + pads[axis + 2])
            {
                return true;
            }
        }

        return false;
    }

    // ---- attribute helpers --------------------------------------------------------------------

    private static int[] Pair(long[]? values, int? fallback, string label, string what)
    {
        if (values is null)
        {
            return fallback is { } f ? new[] { f, f } : throw new ModelException(ModelErrorCode.InvalidAttribute, $"{what} is missing", label, "Export the model again.");
        }

        if (values.Length != 2)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedAttribute,
                $"{what} has {values.Length} values; SparseGen supports 2-D convolution and pooling",
                label,
                "Use Conv2d / MaxPool2d / AvgPool2d over [N, C, H, W].");
        }

        return values.Select(v => (int)Math.Max(int.MinValue, Math.Min(int.MaxValue, v))).ToArray();
    }

    private static int[] Pads(NodeAttributes attributes, string label, int[] input, int[] kernel, int[] strides, int[] dilations)
    {
        var autoPad = attributes.String("auto_pad", "NOTSET");
        if (autoPad is "NOTSET")
        {
            var pads = attributes.Ints("pads");
            if (pads is null)
            {
                return new int[4];
            }

            if (pads.Length != 4)
            {
                throw new ModelException(ModelErrorCode.UnsupportedAttribute, $"pads has {pads.Length} values, expected 4 for 2-D", label, "Use 2-D convolution and pooling.");
            }

            // ONNX orders pads [top, left, bottom, right], as the IR does.
            return pads.Select(v => (int)Math.Max(int.MinValue, Math.Min(int.MaxValue, v))).ToArray();
        }

        if (autoPad is "VALID")
        {
            return new int[4];
        }

        if (autoPad is not ("SAME_UPPER" or "SAME_LOWER") || input.Length != 3 || strides.Any(s => s < 1) || dilations.Any(d => d < 1))
        {
            throw new ModelException(ModelErrorCode.UnsupportedAttribute, $"auto_pad '{autoPad}' cannot be resolved here", label, "Export with explicit pads.");
        }

        var result = new int[4];
        for (var axis = 0; axis < 2; axis++)
        {
            var size = input[axis + 1];
            var output = (size + strides[axis] - 1) / strides[axis];
            var total = Math.Max(0, (output - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - size);
            var small = total / 2;
            var large = total - small;
            result[axis] = autoPad == "SAME_UPPER" ? small : large;
            result[axis + 2] = autoPad == "SAME_UPPER" ? large : small;
        }

        return result;
    }
}
