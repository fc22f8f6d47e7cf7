using System;
using System.Linq;
using System.Text;

namespace SparseGen.Generator.Emitting.Writing;

/// <summary>
/// Writes C# source line by line with four-space indentation and LF line ends, whatever the machine,
/// so the same model gives the same bytes. <c>using (writer.Block("for (...)"))</c> writes the braces.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>Statements written (a <c>for</c> or <c>if</c> header counts as one), for method size budgets.</summary>
    public int StatementCount { get; private set; }

    /// <summary>Loops written, for method size budgets (each costs the JIT a few basic blocks).</summary>
    public int LoopCount { get; private set; }

    /// <summary>Writes every line of <paramref name="text"/> (from another writer) at the current indentation.</summary>
    public void Lines(string text)
    {
        var lines = text.Split('\n');
        var count = lines.Length > 0 && lines[lines.Length - 1].Length == 0 ? lines.Length - 1 : lines.Length;
        for (var i = 0; i < count; i++)
        {
            Line(lines[i]);
        }
    }

    public void Line(string line)
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
    }

    public void Line() => _text.Append('\n');

    /// <summary>A statement: a line that counts against the method's budget.</summary>
    public void Statement(string statement)
    {
        Line(statement);
        StatementCount++;
    }

    /// <summary>Several short statements on one line (a SIMD tap: a broadcast and its multiply-adds), each counted.</summary>
    public void Statements(params string[] statements)
    {
        Line(string.Join(" ", statements));
        StatementCount += statements.Length;
    }

    /// <summary>
    /// Loops and their one-statement body on one line, <c>for (...) for (...) y[i] += w * x[j];</c>: the
    /// form of an unrolled weight, one line each, which keeps large layers' source (and build time) small.
    /// </summary>
    public void LoopLine(string body, params string[] loopHeaders)
    {
        Line(string.Concat(loopHeaders.Select(header => header + " ")) + body);
        StatementCount += loopHeaders.Length + 1;
        LoopCount += loopHeaders.Length;
    }

    /// <summary>Writes <paramref name="header"/> (if any) and an opening brace; disposing writes the closing brace.</summary>
    public BlockScope Block(string? header = null, string closing = "}")
    {
        if (header is not null)
        {
            Line(header);
            if (header.StartsWith("for ", StringComparison.Ordinal))
            {
                StatementCount++;
                LoopCount++;
            }
            else if (header.StartsWith("if ", StringComparison.Ordinal))
            {
                StatementCount++;
            }
        }

        Line("{");
        _indent++;
        return new BlockScope(this, closing);
    }

    public override string ToString() => _text.ToString();

    private void Close(string closing)
    {
        _indent--;
        Line(closing);
    }

    /// <summary>Closes a <see cref="Block"/>; a struct so blocks cost no allocation.</summary>
    public readonly struct BlockScope : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string _closing;

        internal BlockScope(SourceWriter writer, string closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose() => _writer.Close(_closing);
    }
}
