using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Onnx;

/// <summary>
/// Turns an ONNX graph into the IR: weights become constants inside their ops, Identity and Dropout
/// vanish, Constant nodes and the Shape → Gather → Unsqueeze → Concat subgraphs that compute reshape
/// targets are folded (the batch stays symbolic), and every shape is inferred and checked.
/// </summary>
public sealed partial class OnnxImporter
{
    /// <summary>The ONNX ops SparseGen reads, for error messages and documentation.</summary>
    public static IReadOnlyList<string> SupportedOps { get; } = new[]
    {
        "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "Conv", "Dropout", "Flatten",
        "Gather", "Gemm", "GlobalAveragePool", "Identity", "MatMul", "MaxPool", "ReduceMean", "Relu", "Reshape", "Shape",
        "Sigmoid", "Slice", "Softmax", "Squeeze", "Tanh", "Unsqueeze",
    };

    private readonly OnnxGraphProto _graph;
    private readonly long _opset;
    private readonly Dictionary<string, ConstantValue> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly List<Operation> _operations = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int? _fixedBatch;

    private OnnxImporter(OnnxGraphProto graph, long opset)
    {
        _graph = graph;
        _opset = opset;
    }

    /// <summary>Imports a model; throws <see cref="ModelException"/> for anything SparseGen cannot compile exactly.</summary>
    public static ModelGraph Import(OnnxModelProto model)
    {
        var graph = model.Graph ?? throw new ModelException(ModelErrorCode.MissingGraph, "the model has no graph", hint: "Export the model again.");
        var opset = DefaultOpset(model);
        var importer = new OnnxImporter(graph, opset);
        return importer.Run(model, opset);
    }

    private static long DefaultOpset(OnnxModelProto model)
    {
        foreach (var import in model.OpsetImports)
        {
            if (import.Domain is "" or "ai.onnx")
            {
                if (import.Version < 7 || import.Version > 23)
                {
                    throw new ModelException(
                        ModelErrorCode.UnsupportedOp,
                        $"the model imports ONNX opset {import.Version}; SparseGen reads opsets 7 to 23",
                        hint: "Export with opset_version between 11 and 18 (PyTorch's default of 17 is best).");
                }

                return import.Version;
            }
        }

        throw new ModelException(
            ModelErrorCode.UnsupportedOp,
            "the model imports no default-domain ONNX opset",
            hint: "Export the model again with torch.onnx.export (opset 17).");
    }

    private ModelGraph Run(OnnxModelProto model, long opset)
    {
        if (_graph.HasSparseInitializers)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedDataType,
                "the graph stores initializers as sparse_initializer, which SparseGen does not read",
                hint: "Save the weights as ordinary dense initializers; SparseGen finds the zeros itself.");
        }

        foreach (var initializer in _graph.Initializers)
        {
            _constants[initializer.Name] = ConstantValue.FromTensor(initializer, initializer.Name);
        }

        var input = ReadInput();
        var batchName = input.BatchName;
        foreach (var (node, label) in TopologicalOrder())
        {
            ImportNode(node, label);
        }

        var outputs = _graph.Outputs;
        if (outputs.Count != 1)
        {
            throw new ModelException(
                ModelErrorCode.MissingGraph,
                $"the graph has {outputs.Count} outputs ({string.Join(", ", outputs.Select(o => o.Name))}); SparseGen compiles models with exactly one",
                hint: "Export a model that returns a single tensor (for example the logits).");
        }

        var outputName = Resolve(outputs[0].Name);
        if (_constants.ContainsKey(outputName))
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedOp,
                $"the graph output '{outputs[0].Name}' is a constant that does not depend on the input",
                outputs[0].Name,
                "Export the model with its input connected to its output.");
        }

        if (!_shapes.ContainsKey(outputName))
        {
            throw new ModelException(
                ModelErrorCode.UndefinedValue,
                $"the graph output '{outputs[0].Name}' is not computed by any node",
                outputs[0].Name,
                "Export the model again.");
        }

        var metadata = model.MetadataProps.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)).ToArray();
        var info = new ModelInfo(model.ProducerName, model.ProducerVersion, opset, batchName, metadata);
        return ModelGraph.Create(input.Name, _shapes[input.Name], _operations, outputName, info);
    }

    private (string Name, string? BatchName) ReadInput()
    {
        var inputs = _graph.Inputs.Where(i => !_constants.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw new ModelException(
                ModelErrorCode.MissingGraph,
                inputs.Count == 0
                    ? "the graph has no input that is not an initializer"
                    : $"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); SparseGen compiles models with exactly one",
                hint: "Export a model that takes a single tensor [batch, ...].");
        }

        var input = inputs[0];
        if (input.ElementType != OnnxDataType.Float)
        {
            throw new ModelException(
                ModelErrorCode.UnsupportedDataType,
                $"input '{input.Name}' has element type {input.ElementType}; SparseGen computes in float32",
                input.Name,
                "Export the model with a float32 input.");
        }

        if (input.Shape is null || input.Shape.Count < 2)
        {
            throw new ModelException(
                ModelErrorCode.ShapeMismatch,
                $"input '{input.Name}' has {(input.Shape is null ? "no shape" : $"rank {input.Shape.Count}")}; SparseGen needs [batch, ...] with every other dimension fixed",
                input.Name,
                "Export with a sample input of the real size (e.g. torch.randn(1, 1, 28, 28)) and a dynamic batch axis.");
        }

        var batch = input.Shape[0];
        if (batch.Value is { } fixedBatch)
        {
            if (fixedBatch < 1 || fixedBatch > ModelLimits.MaxDimension)
            {
                throw new ModelException(ModelErrorCode.ShapeMismatch, $"input '{input.Name}' has batch dimension {fixedBatch}", input.Name, "Export with a dynamic batch axis.");
            }

            _fixedBatch = (int)fixedBatch;
        }

        var sample = new int[input.Shape.Count - 1];
        for (var i = 1; i < input.Shape.Count; i++)
        {
            var dim = input.Shape[i];
            if (dim.Value is not { } value || value < 1 || value > ModelLimits.MaxDimension)
            {
                throw new ModelException(
                    ModelErrorCode.ShapeMismatch,
                    $"dimension {i} of input '{input.Name}' is {(dim.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? dim.Param ?? "unknown")}; only the batch dimension may be symbolic and the others must be between 1 and {ModelLimits.MaxDimension:N0}",
                    input.Name,
                    "Export with dynamic axes on the batch only; the generated code fixes every other size at compile time.");
            }

            sample[i - 1] = (int)value;
        }

        _shapes[input.Name] = sample;
        _names.Add(input.Name);
        return (input.Name, batch.Param ?? (batch.Value is null ? "batch" : null));
    }

    /// <summary>Nodes in an order where every value is defined before use (Kahn's algorithm; file order among equals).</summary>
    private IEnumerable<(OnnxNodeProto Node, string Label)> TopologicalOrder()
    {
        var nodes = _graph.Nodes;
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var output in nodes[i].Outputs.Where(o => o.Length > 0))
            {
                if (producer.ContainsKey(output) || _constants.ContainsKey(output) || _shapes.ContainsKey(output))
                {
                    throw new ModelException(
                        ModelErrorCode.InvalidGraph,
                        $"value '{output}' is defined more than once",
                        Label(nodes[i], i),
                        "Every value of an ONNX graph must have one producer; export the model again.");
                }

                producer[output] = i;
            }
        }

        var pending = new int[nodes.Count];
        var dependents = new List<int>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            dependents[i] = new List<int>();
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Inputs.Where(v => v.Length > 0).Distinct())
            {
                if (producer.TryGetValue(input, out var p))
                {
                    pending[i]++;
                    dependents[p].Add(i);
                }
                else if (!_constants.ContainsKey(input) && !_shapes.ContainsKey(input))
                {
                    throw new ModelException(
                        ModelErrorCode.UndefinedValue,
                        $"{nodes[i].OpType} reads '{input}', which no node, graph input or initializer defines",
                        Label(nodes[i], i),
                        "The model is incomplete; if it stores weights in a side file, keep that file next to the model.");
                }
            }
        }

        var ready = new SortedSet<int>(Enumerable.Range(0, nodes.Count).Where(i => pending[i] == 0));
        var emitted = 0;
        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            emitted++;
            yield return (nodes[next], Label(nodes[next], next));
            foreach (var dependent in dependents[next])
            {
                if (--pending[dependent] == 0)
                {
                    ready.Add(dependent);
                }
            }
        }

        if (emitted != nodes.Count)
        {
            var stuck = Enumerable.Range(0, nodes.Count).First(i => pending[i] > 0);
            throw new ModelException(
                ModelErrorCode.InvalidGraph,
                "the graph has a cycle",
                Label(nodes[stuck], stuck),
                "ONNX graphs must be acyclic; export the model again.");
        }
    }

    private static string Label(OnnxNodeProto node, int index) =>
        node.Name.Length > 0 ? node.Name : $"#{index} {node.OpType}";

    private string Resolve(string value) => _aliases.TryGetValue(value, out var target) ? target : value;

    private string UniqueName(string label)
    {
        var name = label;
        for (var i = 1; !_names.Add(name); i++)
        {
            name = label + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }

    private void Add(Operation op)
    {
        var shape = ShapeInference.OutputShape(op, value => _shapes[value]);
        ShapeInference.CheckActivationSize(op.Output, shape, op.Name);
        _shapes[op.Output] = shape;
        _operations.Add(op);
    }
}
