using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Gpu;

/// <summary>What a GPU kernel writer needs to know about the layer it writes.</summary>
internal sealed class GpuLayer
{
    private readonly GpuValues _values;

    public GpuLayer(int number, Operation op, ModelGraph graph, GpuPlan plan, GpuKernelBuilder builder, GpuValues values, string title)
    {
        Number = number;
        Op = op;
        Graph = graph;
        Plan = plan;
        Builder = builder;
        _values = values;
        Title = title;
    }

    /// <summary>1-based position of the op in the graph.</summary>
    public int Number { get; }

    public Operation Op { get; }

    public ModelGraph Graph { get; }

    public GpuPlan Plan { get; }

    public GpuKernelBuilder Builder { get; }

    public GpuOptions Options => Plan.Options;

    /// <summary>The header line of the layer's kernels.</summary>
    public string Title { get; }

    /// <summary>The layer's kernel name: <c>Layer2Conv</c>.</summary>
    public string MethodName => "Layer" + Literals.Int(Number) + (Op is BatchNormOperation ? "BatchNorm" : Op.OpType);

    public string TableName(string what) => "Layer" + Literals.Int(Number) + what;

    public int[] ShapeOf(string value) => Graph.ShapeOf(value);

    public int LengthOf(string value) => ShapeInference.ElementCount(Graph.ShapeOf(value));

    /// <summary>The expression, inside the runner's <c>Run</c>, of the view that holds a value for the whole chunk.</summary>
    public string View(string value) => _values.View(value);
}
