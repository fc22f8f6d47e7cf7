using System;

namespace SparseGen.Generator.Emitting.Writing;

/// <summary>
/// A run of statements that may go into any method of its layer, in order: the emitter cuts a layer
/// into methods only between pieces.
/// </summary>
internal sealed class CodePiece
{
    private CodePiece(string text, int statements, int loops, bool usesPartialSums)
    {
        Text = text;
        Statements = statements;
        Loops = loops;
        UsesPartialSums = usesPartialSums;
    }

    public string Text { get; }

    public int Statements { get; }

    public int Loops { get; }

    /// <summary>True when the piece assigns the method's <c>float s0, s1, s2, s3</c> locals (partial sums of a fully connected output).</summary>
    public bool UsesPartialSums { get; }

    public static CodePiece Write(Action<SourceWriter> write, bool usesPartialSums = false)
    {
        var writer = new SourceWriter();
        write(writer);
        return new CodePiece(writer.ToString(), writer.StatementCount, writer.LoopCount, usesPartialSums);
    }
}
