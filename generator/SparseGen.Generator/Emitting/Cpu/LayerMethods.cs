using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// Writes one layer as one or more kernel methods: pieces are packed in order into methods that stay
/// within the statement and loop budgets (the JIT stops optimising very large methods), and
/// <c>Run</c> calls the methods in order. Every method declares the same locals (spans over the
/// arena) and, for layers over leading rows, the same row loop.
/// </summary>
internal sealed class LayerMethods
{
    private readonly KernelClassBuilder _kernels;
    private readonly string _name;
    private readonly IReadOnlyList<string> _header;
    private readonly IReadOnlyList<string> _locals;
    private readonly string? _rowLoop;
    private readonly IReadOnlyList<string> _rowLocals;
    private readonly bool _lanes;
    private readonly bool _inParts;
    private readonly List<List<CodePiece>> _methods = new() { new List<CodePiece>() };

    // Per method: 0 before the layer's tasks, 1 tasks, 2 after them; and the tasks a method holds pieces of.
    private readonly List<int> _phases = new() { 0 };
    private readonly List<HashSet<int>> _tasksOf = new() { new HashSet<int>() };

    // Per method: the parts' ranges of its range parameters (from, to), for a method of ranged tasks; else null.
    private readonly List<IReadOnlyList<(int From, int To)>?> _ranged = new() { null };
    private int _phase;
    private bool _startMethod;
    private int? _task;
    private int _taskCount;
    private int _statements;
    private int _loops;

    /// <param name="kernels">Where the methods go.</param>
    /// <param name="name">The method name, e.g. <c>Layer2Conv</c>; parts get <c>Part1</c>, <c>Part2</c>, ….</param>
    /// <param name="header">Comment lines written before the first method.</param>
    /// <param name="locals">Statements at the start of every method (spans over the arena).</param>
    /// <param name="rowLoop">A loop header around the pieces in every method, or null.</param>
    /// <param name="rowLocals">Statements at the start of the row loop's body.</param>
    /// <param name="lanes">Whether the methods are generic over SIMD lanes (<see cref="RuntimeNames"/>).</param>
    /// <param name="inParts">Whether the layer's tasks become parts that run side by side with intra-op threads; if not, they run in order.</param>
    public LayerMethods(
        KernelClassBuilder kernels,
        string name,
        IReadOnlyList<string> header,
        IReadOnlyList<string> locals,
        string? rowLoop = null,
        IReadOnlyList<string>? rowLocals = null,
        bool lanes = false,
        bool inParts = false)
    {
        _inParts = inParts;
        _lanes = lanes;
        _kernels = kernels;
        _name = name;
        _header = header;
        _locals = locals;
        _rowLoop = rowLoop;
        _rowLocals = rowLocals ?? System.Array.Empty<string>();
    }

    private int FixedStatements => _locals.Count + 1 + (_rowLoop is null ? 0 : 1 + _rowLocals.Count);

    /// <summary>A piece that runs in order with everything else: before the layer's tasks, or after them once a task was added.</summary>
    public void Add(CodePiece piece)
    {
        _task = null;
        Place(piece, _taskCount == 0 ? 0 : 2);
    }

    public void Add(IEnumerable<CodePiece> pieces)
    {
        foreach (var piece in pieces)
        {
            Add(piece);
        }
    }

    /// <summary>
    /// The layer's parts as one method over a range of its outputs: <paramref name="piece"/> is written over the parameters
    /// <c>from</c> and <c>to</c> (outputs from, …, to − 1), whose defaults are every output, and <c>Run</c> calls it so;
    /// with intra-op threads each part calls it for its own range of <paramref name="ranges"/> (the plan's parts, in
    /// order). One method where the parts' code differs only in its range, not one copy a part.
    /// </summary>
    public void AddRangedTasks(IReadOnlyList<(int From, int To)> ranges, CodePiece piece)
    {
        if (_phase == 2)
        {
            throw new System.InvalidOperationException("a layer's tasks come before the pieces that run after them");
        }

        _startMethod = true;
        Place(piece, 1);
        _ranged[_ranged.Count - 1] = ranges;
        _startMethod = true;
        _taskCount = System.Math.Max(_taskCount, 1);
    }

    /// <summary>
    /// Pieces that run in order as one task, independent of the layer's other tasks: they write outputs no other task
    /// writes and keep their scratch in <c>ThreadScratch()</c>. With intra-op threads the tasks run side by side, after
    /// every piece added before the first task and before every piece added after the last.
    /// </summary>
    /// <param name="pieces">The task's pieces, in order.</param>
    /// <param name="ownMethods">
    /// Whether the task gets methods of its own: for a piece whose loops keep many vectors live, which two of in one
    /// method would leave the JIT more locals than it tracks.
    /// </param>
    public void AddTask(IEnumerable<CodePiece> pieces, bool ownMethods = false)
    {
        if (_phase == 2)
        {
            throw new System.InvalidOperationException("a layer's tasks come before the pieces that run after them");
        }

        _startMethod |= ownMethods;
        if (!_inParts)
        {
            foreach (var piece in pieces)
            {
                Place(piece, 0);
            }

            _startMethod = ownMethods;
            return;
        }

        _task = _taskCount++;
        foreach (var piece in pieces)
        {
            Place(piece, 1);
        }

        _startMethod = ownMethods;
        _task = null;
    }

    private void Place(CodePiece piece, int phase)
    {
        var options = _kernels.Options;
        var budget = _lanes ? options.MaxSimdStatementsPerMethod : options.MaxStatementsPerMethod;
        var current = _methods[_methods.Count - 1];
        if (current.Count > 0
            && (phase != _phase
                || _startMethod
                || FixedStatements + _statements + piece.Statements > budget
                || _loops + piece.Loops + 1 > options.MaxLoopsPerMethod))
        {
            current = new List<CodePiece>();
            _methods.Add(current);
            _phases.Add(phase);
            _tasksOf.Add(new HashSet<int>());
            _ranged.Add(null);
            _statements = 0;
            _loops = 0;
        }

        _startMethod = false;
        _phase = phase;
        _phases[_phases.Count - 1] = phase;
        if (_task is { } task)
        {
            _tasksOf[_tasksOf.Count - 1].Add(task);
        }

        current.Add(piece);
        _statements += piece.Statements;
        _loops += piece.Loops;
    }

    /// <summary>Writes the methods and their calls.</summary>
    public void Finish()
    {
        var members = _kernels.Members;
        foreach (var line in _header)
        {
            members.Line(line);
        }

        var typeParameters = _lanes ? RuntimeNames.TypeParameters : "";
        var calls = Enumerable.Range(0, _methods.Count)
            .Select(index => MethodName(index) + typeParameters + "(arena);")
            .ToList();
        WriteThreadedCalls(calls);
        for (var index = 0; index < _methods.Count; index++)
        {
            var methodName = MethodName(index);
            var pieces = _methods[index];
            _kernels.RunOnlyLine(calls[index]);
            members.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
            // Run's call covers every output: the range's defaults.
            var range = _ranged[index] is { } ranges ? ", int from = " + Literals.Int(ranges[0].From) + ", int to = " + Literals.Int(ranges[ranges.Count - 1].To) : "";
            members.Line($"private static void {methodName}{typeParameters}(global::System.Span<float> arena{range}){(_lanes ? RuntimeNames.Constraints : "")}");
            using (members.Block())
            {
                foreach (var local in _locals)
                {
                    members.Line(local);
                }

                if (pieces.Any(piece => piece.UsesPartialSums))
                {
                    members.Line("float s0, s1, s2, s3;");
                }

                if (_rowLoop is null)
                {
                    WritePieces(members, pieces);
                }
                else
                {
                    using (members.Block(_rowLoop))
                    {
                        foreach (var local in _rowLocals)
                        {
                            members.Line(local);
                        }

                        WritePieces(members, pieces);
                    }
                }
            }

            members.Line();
        }
    }

    private string MethodName(int index) => _methods.Count == 1 ? _name : _name + "Part" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>RunThreaded</c>'s calls: the methods before and after the tasks in order, and the task methods as work items,
    /// consecutive methods that share a task (one cut across methods) being one item; a layer with fewer than two items
    /// runs in order.
    /// </summary>
    private void WriteThreadedCalls(IReadOnlyList<string> calls)
    {
        var items = new List<IReadOnlyList<string>>();
        var typeParameters = _lanes ? RuntimeNames.TypeParameters : "";
        string? rangedCall = null;
        for (var index = 0; index < _methods.Count; index++)
        {
            if (_phases[index] != 1)
            {
                continue;
            }

            if (_ranged[index] is { } ranges)
            {
                int count = ranges[ranges.Count - 1].To, parts = ranges.Count;
                if (ranges.Select((range, task) => range.From == count * task / parts && range.To == count * (task + 1) / parts).All(even => even))
                {
                    rangedCall = MethodName(index) + typeParameters + "(arena, " + Literals.Int(count) + " * task / " + Literals.Int(parts) + ", "
                        + Literals.Int(count) + " * (task + 1) / " + Literals.Int(parts) + ");";
                }

                // One item a range, each the ranged method over its own outputs.
                items.AddRange(ranges.Select(range => new[]
                {
                    MethodName(index) + typeParameters + "(arena, " + Literals.Int(range.From) + ", " + Literals.Int(range.To) + ");",
                }));
                continue;
            }

            var continues = index > 0 && _phases[index - 1] == 1 && _tasksOf[index].Overlaps(_tasksOf[index - 1]);
            if (!continues)
            {
                items.Add(new List<string>());
            }

            ((List<string>)items[items.Count - 1]).Add(calls[index]);
        }

        var body = _kernels.ThreadedRunBody;
        var parallelWritten = false;
        for (var index = 0; index < _methods.Count; index++)
        {
            if (_phases[index] != 1 || items.Count < 2)
            {
                body.Line(calls[index]);
            }
            else if (!parallelWritten)
            {
                parallelWritten = true;
                body.Line("team.Run(" + _kernels.ParallelLayers.Count.ToString(CultureInfo.InvariantCulture) + ", " + items.Count.ToString(CultureInfo.InvariantCulture) + "); // "
                    + _name + ": its parts side by side");
                _kernels.ParallelLayers.Add(new ParallelLayer(items, rangedCall));
            }
        }
    }

    private static void WritePieces(SourceWriter writer, List<CodePiece> pieces)
    {
        for (var index = 0; index < pieces.Count; index++)
        {
            // A piece that opens with a comment starts a new part of the layer (an output channel, an activation).
            if (index > 0 && pieces[index].Text.StartsWith("//", System.StringComparison.Ordinal))
            {
                writer.Line();
            }

            writer.Lines(pieces[index].Text);
        }
    }
}
