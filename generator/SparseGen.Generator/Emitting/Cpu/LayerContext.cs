using System.Collections.Generic;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>What a kernel emitter needs to know about the layer it writes.</summary>
internal sealed class LayerContext
{
    public LayerContext(int number, Operation op, ModelGraph graph, KernelPlan plan, KernelClassBuilder kernels, IReadOnlyList<string> header)
    {
        Number = number;
        Op = op;
        Graph = graph;
        Plan = plan;
        Kernels = kernels;
        Header = header;
    }

    /// <summary>1-based position of the op in the graph.</summary>
    public int Number { get; }

    public Operation Op { get; }

    public ModelGraph Graph { get; }

    public KernelPlan Plan { get; }

    public KernelClassBuilder Kernels { get; }

    /// <summary>The comment lines before the layer's first method.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The layer's method name: <c>Layer2Conv</c>.</summary>
    public string MethodName => "Layer" + Literals.Int(Number) + (Op is BatchNormOperation ? "BatchNorm" : Op.OpType);

    /// <summary>A name for one of the layer's tables: <c>Layer2Weights</c>.</summary>
    public string TableName(string what) => "Layer" + Literals.Int(Number) + what;

    public int[] ShapeOf(string value) => Graph.ShapeOf(value);

    public int LengthOf(string value) => ShapeInference.ElementCount(Graph.ShapeOf(value));

    /// <summary><c>var x = arena.Slice(0, 784);</c>: the local span over a value's range.</summary>
    public string SpanLocal(string local, string value) =>
        "var " + local + " = arena.Slice(" + Literals.Int(Plan.Buffers.OffsetOf(value)) + ", " + Literals.Int(LengthOf(value)) + ");";

    public LayerMethods Methods(IReadOnlyList<string> locals, string? rowLoop = null, IReadOnlyList<string>? rowLocals = null) =>
        new(Kernels, MethodName, Header, locals, rowLoop, rowLocals, inParts: Plan.RunsInParts(Op));

    /// <summary>Methods generic over SIMD lanes; the class gets the lanes helpers.</summary>
    public LayerMethods LaneMethods(IReadOnlyList<string> locals)
    {
        Kernels.UseLanes();
        return new(Kernels, MethodName, Header, locals, lanes: true, inParts: Plan.RunsInParts(Op));
    }

    /// <summary>The layer's planes and scratch, as the planner placed them.</summary>
    public LayerScratch Scratch => Plan.Scratch.Of(Op);

    /// <summary>
    /// The C# of a <c>ref float</c> to the start of the layer's own scratch (<see cref="LayerScratch.Own"/>), for methods that
    /// have the <c>arena</c> span: in the arena, or in the thread's own scratch when the layer runs in parts.
    /// </summary>
    public string OwnScratch => Scratch.Own is { } own
        ? "global::System.Runtime.CompilerServices.Unsafe.Add(ref " + (own.InThreadScratch ? "ThreadScratch()" : "global::System.Runtime.InteropServices.MemoryMarshal.GetReference(arena)") + ", " + Literals.Int(own.Offset) + ")"
        : throw new System.InvalidOperationException($"the planner gave {Op.Name} no scratch of its own");

    /// <summary>The arena offset of a value.</summary>
    public int OffsetOf(string value) => Plan.Buffers.OffsetOf(value);
}
