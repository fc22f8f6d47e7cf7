using System.Collections.Generic;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// What <c>RunGroup</c> is made of when the model has a batch section: <c>Run</c>'s statements before it and after it,
/// the section's kernel calls, and where its input and output live in the arena (offset, length) and in the group arena.
/// </summary>
internal sealed record BatchGroupCode(
    IReadOnlyList<string> Head,
    IReadOnlyList<string> Calls,
    IReadOnlyList<string> Tail,
    (int Offset, int Length, int GroupOffset) Input,
    (int Offset, int Length, int GroupOffset) Output,
    int GroupArenaLength);

/// <summary>
/// The generated code of PredictBatch: <c>RunGroup</c> (a group of samples, the fully connected tail in lanes when the
/// model has one), its helpers, and the job that spreads groups over the thread pool.
/// </summary>
internal static class BatchRunEmitter
{
    private const string RunGroupSignature = "(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int first, int count, ";

    /// <summary>
    /// <c>RunGroup</c> runs <c>count</c> samples from <c>first</c> on, PredictBatch's unit of work. With a batch section,
    /// each sample runs alone up to the section, which then runs once for the whole group with the samples in SIMD
    /// lanes, and each sample finishes alone; without one, the samples run one after another.
    /// </summary>
    public static void WriteRunGroup(SourceWriter writer, KernelClassBuilder kernels, BatchGroupCode? batch)
    {
        writer.Line("/// <summary>This thread's PredictBatch job, made on its first call; its workers run <c>RunGroup</c> with their own arenas.</summary>");
        writer.Line("internal static " + RuntimeNames.Namespace + "BatchJob BatchJob() => t_batchJob ??= new " + RuntimeNames.Namespace + "BatchJob(s_runGroup);");
        writer.Line();
        writer.Line("[global::System.ThreadStatic]");
        writer.Line("private static " + RuntimeNames.Namespace + "BatchJob? t_batchJob;");
        writer.Line();
        writer.Line("private static readonly " + RuntimeNames.Namespace + "SampleGroupRunner s_runGroup = (inputs, outputs, first, count) => RunGroup(inputs, outputs, first, count, ArenaArray());");
        writer.Line();
        if (batch is null)
        {
            WriteRunGroupOneByOne(writer);
        }
        else
        {
            WriteRunGroupInLanes(writer, kernels, batch);
        }
    }

    private static void WriteRunGroupOneByOne(SourceWriter writer)
    {
        writer.Line("/// <summary>Samples PredictBatch gives one worker at a time: one (the model has no fully connected tail to run in lanes).</summary>");
        writer.Line("internal const int MaxGroup = 1;");
        writer.Line();
        writer.Line("/// <summary>Runs samples <paramref name=\"first\"/> to <paramref name=\"first\"/> + <paramref name=\"count\"/> - 1, one after another.</summary>");
        writer.Line("internal static void RunGroup" + RunGroupSignature + "float[] arenaArray)");
        using (writer.Block())
        {
            writer.Line("global::System.Span<float> arena = Arena(arenaArray);");
            using (writer.Block("for (int sample = first; sample < first + count; sample++)"))
            {
                writer.Line("Run(inputs.Slice(sample * InputLength, InputLength), outputs.Slice(sample * OutputLength, OutputLength), arena);");
            }
        }
    }

    private static void WriteRunGroupInLanes(SourceWriter writer, KernelClassBuilder kernels, BatchGroupCode batch)
    {
        writer.Line("/// <summary>Samples PredictBatch gives one worker at a time: the fully connected tail runs with them in SIMD lanes.</summary>");
        writer.Line("internal const int MaxGroup = " + RuntimeNames.Namespace + "BatchLanes.MaxGroup;");
        writer.Line();
        writer.Line("/// <summary>Floats of the fully connected tail's values for a group, value f of sample s at f · " + Literals.Int(BatchSection.MaxGroup) + " + s.</summary>");
        writer.Line("internal const int GroupArenaLength = " + Literals.Int(batch.GroupArenaLength) + ";");
        writer.Line();
        writer.Line("[global::System.ThreadStatic]");
        writer.Line("private static float[]? t_group;");
        writer.Line();
        writer.Line("/// <summary>Runs samples <paramref name=\"first\"/> to <paramref name=\"first\"/> + <paramref name=\"count\"/> - 1 (at most <see cref=\"MaxGroup\"/>) with the widest SIMD this CPU accelerates.</summary>");
        CpuEmitter.WriteLaneDispatch(
            writer,
            kernels.Options.LaneWidths,
            "internal static void RunGroup" + RunGroupSignature + "float[] arenaArray)",
            "float[] group = t_group ??= new float[GroupArenaLength];",
            "RunGroup<{0}>(inputs, outputs, first, count, Arena(arenaArray), group);");
        writer.Line();
        writer.Line("/// <summary>Each sample alone up to the fully connected tail, the tail once for the group with the samples in lanes, each sample alone after it.</summary>");
        writer.Line("private static void RunGroup" + RuntimeNames.TypeParameters + RunGroupSignature + "global::System.Span<float> arena, global::System.Span<float> group)" + RuntimeNames.Constraints);
        using (writer.Block())
        {
            WriteRunGroupBody(writer, batch);
        }
    }

    private static void WriteRunGroupBody(SourceWriter writer, BatchGroupCode batch)
    {
        writer.Line("TLanes lanes = default;");
        writer.Line("int chunks = (count + lanes.Count - 1) / lanes.Count;");
        using (writer.Block("for (int sample = 0; sample < count; sample++)"))
        {
            writer.Line("var input = inputs.Slice((first + sample) * InputLength, InputLength);");
            foreach (var line in batch.Head)
            {
                writer.Line(line);
            }
            writer.Line(RuntimeNames.Namespace + "BatchLanes.ToLanes(arena.Slice(" + Literals.Int(batch.Input.Offset) + ", " + Literals.Int(batch.Input.Length) + "), group, " + Literals.Int(batch.Input.GroupOffset) + ", sample);");

        }

        writer.Line();
        writer.Line("// Lanes past the last sample read zeros, not what an earlier group left there.");
        using (writer.Block("for (int sample = count; sample < chunks * lanes.Count; sample++)"))
        {
            writer.Line(RuntimeNames.Namespace + "BatchLanes.ClearLane(group, " + Literals.Int(batch.Input.GroupOffset) + ", " + Literals.Int(batch.Input.Length) + ", sample);");
        }

        writer.Line();
        foreach (var call in batch.Calls)
        {
            writer.Line(call);
        }

        writer.Line();
        using (writer.Block("for (int sample = 0; sample < count; sample++)"))
        {
            writer.Line("var output = outputs.Slice((first + sample) * OutputLength, OutputLength);");
            writer.Line(RuntimeNames.Namespace + "BatchLanes.FromLanes(group, " + Literals.Int(batch.Output.GroupOffset) + ", sample, arena.Slice(" + Literals.Int(batch.Output.Offset) + ", " + Literals.Int(batch.Output.Length) + "));");
            foreach (var line in batch.Tail)
            {
                writer.Line(line);
            }
        }
    }
}
