using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SparseGen.Generator.Emitting;

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
    private readonly List<List<CodePiece>> _methods = new() { new List<CodePiece>() };
    private int _statements;
    private int _loops;

    /// <param name="kernels">Where the methods go.</param>
    /// <param name="name">The method name, e.g. <c>Layer2Conv</c>; parts get <c>Part1</c>, <c>Part2</c>, ….</param>
    /// <param name="header">Comment lines written before the first method.</param>
    /// <param name="locals">Statements at the start of every method (spans over the arena).</param>
    /// <param name="rowLoop">A loop header around the pieces in every method, or null.</param>
    /// <param name="rowLocals">Statements at the start of the row loop's body.</param>
    /// <param name="lanes">Whether the methods are generic over SIMD lanes (<see cref="LanesCode"/>).</param>
    public LayerMethods(
        KernelClassBuilder kernels,
        string name,
        IReadOnlyList<string> header,
        IReadOnlyList<string> locals,
        string? rowLoop = null,
        IReadOnlyList<string>? rowLocals = null,
        bool lanes = false)
    {
        _lanes = lanes;
        _kernels = kernels;
        _name = name;
        _header = header;
        _locals = locals;
        _rowLoop = rowLoop;
        _rowLocals = rowLocals ?? System.Array.Empty<string>();
    }

    private int FixedStatements => _locals.Count + 1 + (_rowLoop is null ? 0 : 1 + _rowLocals.Count);

    public void Add(CodePiece piece)
    {
        var options = _kernels.Options;
        var budget = _lanes ? options.MaxSimdStatementsPerMethod : options.MaxStatementsPerMethod;
        var current = _methods[_methods.Count - 1];
        if (current.Count > 0
            && (FixedStatements + _statements + piece.Statements > budget
                || _loops + piece.Loops + 1 > options.MaxLoopsPerMethod))
        {
            current = new List<CodePiece>();
            _methods.Add(current);
            _statements = 0;
            _loops = 0;
        }

        current.Add(piece);
        _statements += piece.Statements;
        _loops += piece.Loops;
    }

    public void Add(IEnumerable<CodePiece> pieces)
    {
        foreach (var piece in pieces)
        {
            Add(piece);
        }
    }

    /// <summary>Writes the methods and their calls.</summary>
    public void Finish()
    {
        var members = _kernels.Members;
        foreach (var line in _header)
        {
            members.Line(line);
        }

        for (var index = 0; index < _methods.Count; index++)
        {
            var methodName = _methods.Count == 1 ? _name : _name + "Part" + (index + 1).ToString(CultureInfo.InvariantCulture);
            var pieces = _methods[index];
            var typeParameters = _lanes ? LanesCode.TypeParameters : "";
            _kernels.RunBody.Line(methodName + typeParameters + "(arena);");
            members.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
            members.Line($"private static void {methodName}{typeParameters}(global::System.Span<float> arena){(_lanes ? LanesCode.Constraints : "")}");
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
