using System;

namespace SparseGen.Generator.Emitting;

/// <summary>
/// A run of statements that may go into any method of its layer, in order: the emitter cuts a layer
/// into methods only between pieces.
/// </summary>
internal sealed class CodePiece
{
    private CodePiece(string text, int statements, int loops, bool usesAccumulator)
    {
        Text = text;
        Statements = statements;
        Loops = loops;
        UsesAccumulator = usesAccumulator;
    }

    public string Text { get; }

    public int Statements { get; }

    public int Loops { get; }

    /// <summary>True when the piece assigns the method's <c>float acc</c> local.</summary>
    public bool UsesAccumulator { get; }

    public static CodePiece Write(Action<SourceWriter> write, bool usesAccumulator = false)
    {
        var writer = new SourceWriter();
        write(writer);
        return new CodePiece(writer.ToString(), writer.StatementCount, writer.LoopCount, usesAccumulator);
    }
}
