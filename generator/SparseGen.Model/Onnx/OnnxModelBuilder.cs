using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SparseGen.Model.Onnx;

/// <summary>
/// Builds an <see cref="OnnxModelProto"/> in code: float32 inputs and outputs, initializers, nodes and
/// metadata, in the order they are added. Used by tests and by exporters that write ONNX.
/// </summary>
/// <example>
/// <code>
/// var builder = new OnnxModelBuilder();
/// builder.Input("input", OnnxDimension.Symbol("batch"), OnnxDimension.Of(8));
/// builder.Initializer("w", new[] { 4, 8 }, weights);
/// builder.Node("Gemm", new[] { "input", "w" }, new[] { "output" }, OnnxModelBuilder.Attr("transB", 1L));
/// builder.Output("output", OnnxDimension.Symbol("batch"), OnnxDimension.Of(4));
/// byte[] bytes = OnnxWriter.Write(builder.Build());
/// </code>
/// </example>
public sealed class OnnxModelBuilder
{
    private readonly List<OnnxNodeProto> _nodes = new();
    private readonly List<OnnxTensorProto> _initializers = new();
    private readonly List<OnnxValueInfoProto> _inputs = new();
    private readonly List<OnnxValueInfoProto> _outputs = new();
    private readonly List<OnnxStringEntry> _metadata = new();

    public OnnxModelBuilder(int opset = 17, string producerName = "SparseGen")
    {
        Opset = opset;
        ProducerName = producerName;
    }

    /// <summary>The version of the default (<c>ai.onnx</c>) operator set the model imports.</summary>
    public int Opset { get; }

    public string ProducerName { get; }

    /// <summary>The graph's name; <c>main</c> unless set.</summary>
    public string GraphName { get; set; } = "main";

    /// <summary>Adds a float32 graph input with the given dims, e.g. <c>OnnxDimension.Symbol("batch")</c> first.</summary>
    public OnnxValueInfoProto Input(string name, params OnnxDimension[] dims)
    {
        var input = FloatValue(name, dims);
        _inputs.Add(input);
        return input;
    }

    /// <summary>Adds a float32 graph output with the given dims.</summary>
    public OnnxValueInfoProto Output(string name, params OnnxDimension[] dims)
    {
        var output = FloatValue(name, dims);
        _outputs.Add(output);
        return output;
    }

    /// <summary>Adds a float32 initializer (a weight) with its data in <c>raw_data</c>.</summary>
    public OnnxTensorProto Initializer(string name, int[] shape, float[] data)
    {
        var tensor = OnnxTensors.FromFloats(name, shape, data);
        _initializers.Add(tensor);
        return tensor;
    }

    /// <summary>Adds an int64 initializer (a shape, axes, pads); one-dimensional when <paramref name="shape"/> is null.</summary>
    public OnnxTensorProto Int64Initializer(string name, long[] data, int[]? shape = null)
    {
        var tensor = OnnxTensors.FromInt64s(name, data, shape);
        _initializers.Add(tensor);
        return tensor;
    }

    /// <summary>Adds a node of the default domain, named <c>{opType}_{index}</c> after its position in the graph.</summary>
    public OnnxNodeProto Node(string opType, string[] inputs, string[] outputs, params OnnxAttributeProto[] attributes)
    {
        var node = new OnnxNodeProto
        {
            OpType = opType,
            Name = opType + "_" + _nodes.Count.ToString(CultureInfo.InvariantCulture),
        };
        node.Inputs.AddRange(inputs);
        node.Outputs.AddRange(outputs);
        node.Attributes.AddRange(attributes);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Adds a <c>metadata_props</c> entry.</summary>
    public OnnxStringEntry Metadata(string key, string value)
    {
        var entry = new OnnxStringEntry(key, value);
        _metadata.Add(entry);
        return entry;
    }

    public static OnnxAttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = OnnxAttributeType.Int, I = value };

    public static OnnxAttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = OnnxAttributeType.Float, F = value };

    public static OnnxAttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = OnnxAttributeType.String, S = new UTF8Encoding(false).GetBytes(value) };

    public static OnnxAttributeProto Attr(string name, long[] values)
    {
        var attribute = new OnnxAttributeProto { Name = name, Type = OnnxAttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static OnnxAttributeProto Attr(string name, float[] values)
    {
        var attribute = new OnnxAttributeProto { Name = name, Type = OnnxAttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    public static OnnxAttributeProto Attr(string name, OnnxTensorProto value) =>
        new() { Name = name, Type = OnnxAttributeType.Tensor, T = value };

    /// <summary>
    /// The model as built so far. Each call returns a new model and graph holding the nodes, tensors and
    /// value infos added so far (the same objects, not copies).
    /// </summary>
    public OnnxModelProto Build()
    {
        var graph = new OnnxGraphProto { Name = GraphName };
        graph.Nodes.AddRange(_nodes);
        graph.Initializers.AddRange(_initializers);
        graph.Inputs.AddRange(_inputs);
        graph.Outputs.AddRange(_outputs);

        var model = new OnnxModelProto
        {
            IrVersion = IrVersionFor(Opset),
            ProducerName = ProducerName,
            Graph = graph,
        };
        model.OpsetImports.Add(new OnnxOperatorSetId { Domain = "", Version = Opset });
        model.MetadataProps.AddRange(_metadata);
        return model;
    }

    /// <summary>The IR version that ONNX releases pair with an opset (onnx/helper.py's VERSION_TABLE).</summary>
    private static long IrVersionFor(int opset) => opset switch
    {
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    private static OnnxValueInfoProto FloatValue(string name, OnnxDimension[] dims) =>
        new() { Name = name, ElementType = OnnxDataType.Float, Shape = new List<OnnxDimension>(dims) };
}
