using System;
using System.Collections.Generic;
using System.Linq;

namespace SparseGen.Model.Graph;

/// <summary>
/// A model as the rest of SparseGen sees it: one input, one output, operations in topological order,
/// and the per-sample shape of every value. Built through <see cref="Create"/>, which checks every op
/// and infers every shape, so a graph that exists is consistent.
/// </summary>
public sealed class ModelGraph
{
    private ModelGraph(
        string inputName,
        string outputName,
        IReadOnlyList<Operation> operations,
        IReadOnlyDictionary<string, int[]> shapes,
        ModelInfo info)
    {
        InputName = inputName;
        OutputName = outputName;
        Operations = operations;
        Shapes = shapes;
        Info = info;
    }

    public string InputName { get; }

    public string OutputName { get; }

    /// <summary>Per-sample shape of the input (the batch dimension excluded).</summary>
    public int[] InputShape => Shapes[InputName];

    /// <summary>Per-sample shape of the output (the batch dimension excluded).</summary>
    public int[] OutputShape => Shapes[OutputName];

    public int InputLength => ShapeInference.ElementCount(InputShape);

    public int OutputLength => ShapeInference.ElementCount(OutputShape);

    public IReadOnlyList<Operation> Operations { get; }

    /// <summary>Per-sample shape of every value the graph computes, the input included.</summary>
    public IReadOnlyDictionary<string, int[]> Shapes { get; }

    public ModelInfo Info { get; }

    public int[] ShapeOf(string value) => Shapes[value];

    /// <summary>The operations that read <paramref name="value"/>.</summary>
    public IEnumerable<Operation> ConsumersOf(string value) => Operations.Where(op => op.Inputs.Contains(value));

    /// <summary>The operation that writes <paramref name="value"/>, or null for the graph input.</summary>
    public Operation? ProducerOf(string value) => Operations.FirstOrDefault(op => op.Output == value);

    /// <summary>The same model with other operations (after a pass); shapes are inferred and checked again.</summary>
    public ModelGraph WithOperations(IReadOnlyList<Operation> operations, string? outputName = null) =>
        Create(InputName, InputShape, operations, outputName ?? OutputName, Info);

    /// <summary>Checks the operations and infers every shape; throws <see cref="ModelException"/> on any inconsistency.</summary>
    public static ModelGraph Create(string inputName, int[] inputShape, IReadOnlyList<Operation> operations, string outputName, ModelInfo info)
    {
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal) { [inputName] = inputShape };
        ShapeInference.CheckActivationSize(inputName, inputShape);
        foreach (var op in operations)
        {
            foreach (var input in op.Inputs)
            {
                if (!shapes.ContainsKey(input))
                {
                    throw new ModelException(
                        ModelErrorCode.UndefinedValue,
                        $"{op.Describe()} reads '{input}', which no earlier operation or graph input defines",
                        op.Name,
                        "The graph must be in topological order with every value defined; export the model again.");
                }
            }

            if (shapes.ContainsKey(op.Output))
            {
                throw new ModelException(
                    ModelErrorCode.InvalidGraph,
                    $"value '{op.Output}' is written twice",
                    op.Name,
                    "Every value of an ONNX graph must have one producer; export the model again.");
            }

            var shape = ShapeInference.OutputShape(op, name => shapes[name]);
            ShapeInference.CheckActivationSize(op.Output, shape, op.Name);
            shapes[op.Output] = shape;
        }

        if (!shapes.ContainsKey(outputName))
        {
            throw new ModelException(
                ModelErrorCode.UndefinedValue,
                $"the graph output '{outputName}' is not computed by any operation",
                hint: "Export the model again.");
        }

        return new ModelGraph(inputName, outputName, operations.ToArray(), shapes, info);
    }
}

/// <summary>Facts about the model file that travel with the graph.</summary>
public sealed class ModelInfo
{
    public ModelInfo(
        string producerName,
        string producerVersion,
        long opsetVersion,
        string? batchDimensionName,
        IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        ProducerName = producerName;
        ProducerVersion = producerVersion;
        OpsetVersion = opsetVersion;
        BatchDimensionName = batchDimensionName;
        Metadata = metadata;
    }

    public static ModelInfo Empty { get; } = new("", "", 17, "batch", Array.Empty<KeyValuePair<string, string>>());

    public string ProducerName { get; }

    public string ProducerVersion { get; }

    /// <summary>Version of the default ONNX operator set the model imports.</summary>
    public long OpsetVersion { get; }

    /// <summary>The symbol of the input's batch dimension (e.g. <c>batch</c>), or null when the file fixes it.</summary>
    public string? BatchDimensionName { get; }

    /// <summary>The file's <c>metadata_props</c>, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; }
}
