using System;
using SparseGen.Generator.Emitting.Writing;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// The summation order the fully connected kernels in lanes share (compressed rows in PredictBatch, sparse blocks per
/// sample and in PredictBatch): term j of the first 4·⌊count/4⌋ into partial sum j mod 4, the rest into the first, then
/// (s0 + s1) + (s2 + s3). One writer, so that every kernel of a layer rounds alike and PredictBatch equals Predict bit for bit.
/// </summary>
internal static class PartialSums
{
    /// <summary>
    /// Writes the four sums of the terms <c>n</c> … <c>end − 1</c> (both declared before) into a vector <c>sum</c>, s0
    /// starting at <paramref name="start"/>; <paramref name="term"/> gives the statement that adds term <c>at</c> to a sum.
    /// </summary>
    public static void Write(SourceWriter writer, string start, Func<string, string, string> term)
    {
        writer.Statement("V s0 = " + start + ";");
        writer.Statement("V s1 = lanes.Splat(0f), s2 = lanes.Splat(0f), s3 = lanes.Splat(0f);");
        using (writer.Block("for (; n <= end - 4; n += 4)"))
        {
            for (var j = 0; j < 4; j++)
            {
                writer.Statement(term("s" + Literals.Int(j), j == 0 ? "n" : "n + " + Literals.Int(j)));
            }
        }

        using (writer.Block("for (; n < end; n++)"))
        {
            writer.Statement(term("s0", "n"));
        }

        writer.Statement("V sum = lanes.Add(lanes.Add(s0, s1), lanes.Add(s2, s3));");
    }
}
