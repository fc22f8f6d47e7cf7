using System.Collections.Generic;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Emitting;

/// <summary>
/// What <c>RunGroup</c> is made of when the model has a batch section: <c>Run</c>'s statements before it and after it,
/// the section's kernel calls, and where its input and output live in the arena (offset, length) and in the group arena.
/// </summary>
internal sealed record BatchGroupCode(
    string Head,
    IReadOnlyList<string> Calls,
    string Tail,
    (int Offset, int Length, int GroupOffset) Input,
    (int Offset, int Length, int GroupOffset) Output,
    int GroupArenaLength);

/// <summary>
/// The generated code of PredictBatch: <c>RunGroup</c> (a group of samples, the fully connected tail in lanes when the
/// model has one), its helpers, and the job that spreads groups over the thread pool.
/// </summary>
internal static class BatchRunCode
{
    private const string RunGroupSignature = "(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int first, int count, ";

    /// <summary>
    /// <c>RunGroup</c> runs <c>count</c> samples from <c>first</c> on, PredictBatch's unit of work. With a batch section,
    /// each sample runs alone up to the section, which then runs once for the whole group with the samples in SIMD
    /// lanes, and each sample finishes alone; without one, the samples run one after another.
    /// </summary>
    public static void WriteRunGroup(SourceWriter writer, KernelClassBuilder kernels, BatchGroupCode? batch)
    {
        if (batch is null)
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

            return;
        }

        writer.Line("/// <summary>Samples PredictBatch gives one worker at a time: the fully connected tail runs with them in SIMD lanes.</summary>");
        writer.Line("internal const int MaxGroup = " + Literals.Int(BatchSection.MaxGroup) + ";");
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
        writer.Line("private static void RunGroup" + LanesCode.TypeParameters + RunGroupSignature + "global::System.Span<float> arena, global::System.Span<float> group)" + LanesCode.Constraints);
        using (writer.Block())
        {
            writer.Line("TLanes lanes = default;");
            writer.Line("int chunks = (count + lanes.Count - 1) / lanes.Count;");
            using (writer.Block("for (int sample = 0; sample < count; sample++)"))
            {
                writer.Line("var input = inputs.Slice((first + sample) * InputLength, InputLength);");
                writer.Lines(batch.Head.TrimEnd('\n'));
                writer.Line("ToLanes(arena.Slice(" + Literals.Int(batch.Input.Offset) + ", " + Literals.Int(batch.Input.Length) + "), group, " + Literals.Int(batch.Input.GroupOffset) + ", sample);");
            }

            writer.Line();
            writer.Line("// Lanes past the last sample read zeros, not what an earlier group left there.");
            using (writer.Block("for (int sample = count; sample < chunks * lanes.Count; sample++)"))
            {
                writer.Line("ClearLane(group, " + Literals.Int(batch.Input.GroupOffset) + ", " + Literals.Int(batch.Input.Length) + ", sample);");
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
                writer.Line("FromLanes(group, " + Literals.Int(batch.Output.GroupOffset) + ", sample, arena.Slice(" + Literals.Int(batch.Output.Offset) + ", " + Literals.Int(batch.Output.Length) + "));");
                writer.Lines(batch.Tail.TrimEnd('\n'));
            }
        }

        writer.Line();
        writer.Lines(GroupHelpers);
    }

    private const string GroupHelpers = """
/// <summary>Puts one sample's values in lane <paramref name="lane"/> of the group arena at <paramref name="offset"/>.</summary>
private static void ToLanes(global::System.ReadOnlySpan<float> values, global::System.Span<float> group, int offset, int lane)
{
    ref float source = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
    ref float target = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(group.Slice(offset, values.Length * MaxGroup)), lane);
    for (int f = 0; f < values.Length; f++)
    {
        global::System.Runtime.CompilerServices.Unsafe.Add(ref target, f * MaxGroup) = global::System.Runtime.CompilerServices.Unsafe.Add(ref source, f);
    }
}

/// <summary>Zeroes lane <paramref name="lane"/> of <paramref name="length"/> values of the group arena at <paramref name="offset"/>.</summary>
private static void ClearLane(global::System.Span<float> group, int offset, int length, int lane)
{
    var values = group.Slice(offset, length * MaxGroup);
    for (int f = 0; f < length; f++)
    {
        values[f * MaxGroup + lane] = 0f;
    }
}

/// <summary>Takes one sample's values from lane <paramref name="lane"/> of the group arena at <paramref name="offset"/>.</summary>
private static void FromLanes(global::System.ReadOnlySpan<float> group, int offset, int lane, global::System.Span<float> values)
{
    var source = group.Slice(offset, values.Length * MaxGroup);
    for (int f = 0; f < values.Length; f++)
    {
        values[f] = source[f * MaxGroup + lane];
    }
}
""";

    /// <summary>
    /// PredictBatch's worker: groups of samples are taken one at a time from a shared counter by the calling thread
    /// and by thread-pool threads running this same object. One job per calling thread, reused, so a call
    /// allocates nothing once warm (no closures, no Parallel.For state).
    /// </summary>
    public const string BatchJob = """
/// <summary>One PredictBatch call spread over the calling thread and thread-pool threads; one per calling thread, reused.</summary>
internal sealed class BatchJob : global::System.Threading.IThreadPoolWorkItem
{
    [global::System.ThreadStatic]
    private static BatchJob? t_job;

    private readonly object _gate = new();
    private float[] _inputs = global::System.Array.Empty<float>();
    private float[] _outputs = global::System.Array.Empty<float>();
    private int _batch;
    private int _groupSize;
    private int _groups;
    private int _next;
    private int _pending;

    public static BatchJob ForThisThread() => t_job ??= new BatchJob();

    /// <summary>Runs every sample, in groups of <paramref name="groupSize"/>, on <paramref name="workers"/> threads, this one included, and returns when all are done.</summary>
    public void Run(float[] inputs, float[] outputs, int batch, int groupSize, int workers)
    {
        _inputs = inputs;
        _outputs = outputs;
        _batch = batch;
        _groupSize = groupSize;
        _groups = (batch + groupSize - 1) / groupSize;
        _next = 0;
        global::System.Threading.Volatile.Write(ref _pending, workers);
        for (int worker = 1; worker < workers; worker++)
        {
            global::System.Threading.ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        Execute();
        var spin = new global::System.Threading.SpinWait();
        while (global::System.Threading.Volatile.Read(ref _pending) != 0 && !spin.NextSpinWillYield)
        {
            spin.SpinOnce();
        }

        // Monitor waits allocate nothing on the managed heap (an event's lazy lock object would).
        lock (_gate)
        {
            while (global::System.Threading.Volatile.Read(ref _pending) != 0)
            {
                global::System.Threading.Monitor.Wait(_gate);
            }
        }

        _inputs = _outputs = global::System.Array.Empty<float>();
    }

    public void Execute()
    {
        float[] arena = ArenaArray();
        int group;
        while ((group = global::System.Threading.Interlocked.Increment(ref _next) - 1) < _groups)
        {
            int first = group * _groupSize;
            SparseGenKernels.RunGroup(_inputs, _outputs, first, global::System.Math.Min(_groupSize, _batch - first), arena);
        }

        if (global::System.Threading.Interlocked.Decrement(ref _pending) == 0)
        {
            lock (_gate)
            {
                global::System.Threading.Monitor.PulseAll(_gate);
            }
        }
    }
}
""";
}
