using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// Collects the members of the generated kernel class (layer methods, tables, helpers) and the calls
/// its <c>Run</c> method makes, in layer order.
/// </summary>
internal sealed class KernelClassBuilder
{
    private readonly HashSet<string> _tables = new(System.StringComparer.Ordinal);

    public KernelClassBuilder(PlannerOptions options) => Options = options;

    public PlannerOptions Options { get; }

    /// <summary>True once a kernel is generic over SIMD lanes: <c>Run</c> then dispatches on the CPU's widths.</summary>
    public bool UsesLanes { get; private set; }

    /// <summary>The kernels run in SIMD lanes: <c>Run</c> dispatches on the CPU's widths.</summary>
    public void UseLanes() => UsesLanes = true;

    /// <summary>Methods and tables, written at indentation zero.</summary>
    public SourceWriter Members { get; } = new();

    /// <summary>
    /// The statements of <c>Run</c>, each with the layer it belongs to (<see cref="CurrentLayer"/> when it was added): −1
    /// before the first layer, <see cref="int.MaxValue"/> after the last. <c>RunGroup</c> takes the layers before and after
    /// its section from here.
    /// </summary>
    public List<(int Layer, string Line)> RunBody { get; } = new();

    /// <summary>The index of the layer whose statements are being added.</summary>
    public int CurrentLayer { get; set; } = -1;

    /// <summary>A statement of <c>Run</c> only (<c>RunThreaded</c> has its own for layers in parts).</summary>
    public void RunOnlyLine(string line) => RunBody.Add((CurrentLayer, line));

    /// <summary>
    /// The body of <c>RunThreaded</c> (Predict with intra-op threads): <c>Run</c>'s statements, except that the
    /// independent parts of a parallel layer are a call that spreads them over the threads.
    /// </summary>
    public SourceWriter ThreadedRunBody { get; } = new();

    /// <summary>The layers whose parts run side by side with intra-op threads: per layer, its work items, each the methods it calls in order.</summary>
    public List<ParallelLayer> ParallelLayers { get; } = new();

    /// <summary>A line of both <c>Run</c> and <c>RunThreaded</c>.</summary>
    public void RunLine(string line)
    {
        RunOnlyLine(line);
        ThreadedRunBody.Line(line);
    }

    /// <summary>A statement of both <c>Run</c> and <c>RunThreaded</c>.</summary>
    public void RunStatement(string statement) => RunLine(statement);

    /// <summary>A static table of floats: <c>private static ReadOnlySpan&lt;float&gt; Name =&gt; new float[] { ... };</c>.</summary>
    public void FloatTable(string name, IReadOnlyList<float> values) =>
        Table(name, "float", values.Select(Literals.Float).ToList());

    /// <summary>
    /// A static table of floats whose kernels load whole 16-float vectors from it: the constant data (static data is
    /// aligned only to its element) copied once, when the class is first used, to a 64-byte boundary of a pinned array,
    /// so that no vector load splits a cache line. Read as a span like <see cref="FloatTable"/>.
    /// </summary>
    public void AlignedFloatTable(string name, IReadOnlyList<float> values)
    {
        Table(name + "Data", "float", values.Select(Literals.Float).ToList());
        _tables.Add(name);
        Members.Line("private static readonly float[] s_" + name + " = " + RuntimeNames.Namespace + "AlignedArrays.Copy(" + name + "Data);");
        Members.Line();
        // The span is built here, from the aligned start. Through a runtime helper that returns a Span, .NET 10 with its
        // default dynamic PGO compiled the kernels that read such a table with MinOpts, 6× slower (DOTNET_JitDisasmSummary
        // shows it; DOTNET_TieredPGO=0 hides it). The package tests check every kernel's tier in a real app.
        Members.Line($"private static global::System.ReadOnlySpan<float> {name} => new global::System.ReadOnlySpan<float>(s_{name}, {RuntimeNames.Namespace}AlignedArrays.AlignedStart(s_{name}), {Literals.Int(values.Count)});");
        Members.Line();
    }


    public void IntTable(string name, IReadOnlyList<int> values) =>
        Table(name, "int", values.Select(Literals.Int).ToList());

    public void UShortTable(string name, IReadOnlyList<int> values) =>
        Table(name, "ushort", values.Select(Literals.Int).ToList());

    /// <summary>Whether a table of this name is in the class already.</summary>
    public bool HasTable(string name) => _tables.Contains(name);

    // Over a constant array a ReadOnlySpan property is static data with no copy on .NET 7 and later.
    private void Table(string name, string type, IReadOnlyList<string> values)
    {
        if (!_tables.Add(name))
        {
            throw new System.InvalidOperationException($"the kernel class has a table named {name} already");
        }

        Members.Line($"private static global::System.ReadOnlySpan<{type}> {name} => new {type}[]");
        using (Members.Block(closing: "};"))
        {
            // About the same width a line whatever the element: 16 floats, 32 integers.
            var perLine = type == "float" ? 16 : 32;
            for (var start = 0; start < values.Count; start += perLine)
            {
                Members.Line(string.Join(", ", values.Skip(start).Take(perLine)) + ",");
            }
        }

        Members.Line();
    }
}

/// <summary>
/// A layer whose parts run side by side with intra-op threads: each part's calls in order, and, where the parts are one
/// ranged method over an even split of its outputs, the one call that stands for all of them with the part index <c>task</c>.
/// </summary>
internal sealed record ParallelLayer(IReadOnlyList<IReadOnlyList<string>> Parts, string? RangedCall);
