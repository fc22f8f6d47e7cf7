using System.Linq;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Emitting;

/// <summary>
/// The generated code of Predict with intra-op threads: the per-thread scratch that layer parts running side by side
/// keep to themselves, <c>RunThreaded</c>, the (layer, part) switch, and the team of thread-pool helpers.
/// </summary>
internal static class IntraOpCode
{
    public static void WriteThreadScratch(SourceWriter writer, KernelClassBuilder kernels)
    {
        if (kernels.ThreadScratchLength == 0)
        {
            return;
        }

        writer.Line("/// <summary>Floats of scratch each thread keeps for itself: layer parts that run side by side never share it.</summary>");
        writer.Line("internal const int ThreadScratchLength = " + Literals.Int(kernels.ThreadScratchLength) + ";");
        writer.Line();
        writer.Line("[global::System.ThreadStatic]");
        writer.Line("private static float[]? t_scratch;");
        writer.Line();
        writer.Line("/// <summary>The start of this thread's scratch, made on its first call: pinned, on a 64-byte boundary like the arena.</summary>");
        writer.Line("private static ref float ThreadScratch()");
        using (writer.Block())
        {
            writer.Line("float[] scratch = t_scratch ??= NewAlignedArray(ThreadScratchLength);");
            writer.Line("return ref global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(scratch), AlignedStart(scratch));");
        }

        writer.Line();
    }

    /// <summary>
    /// <c>RunThreaded</c>, Predict with intra-op threads: <c>Run</c>'s layers in order, those with independent parts
    /// (<see cref="LayerMethods.AddTask"/>) spread over the threads by the calling thread's <c>IntraOpTeam</c>;
    /// <c>RunTask</c> maps (layer, part) to the methods. Every part computes what it computes in <c>Run</c>, so the
    /// outputs are the same bit for bit.
    /// </summary>
    public static void WriteRunThreaded(SourceWriter writer, KernelClassBuilder kernels)
    {
        const string Signature = "(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, float[] arenaArray, int threads)";
        var layers = kernels.ParallelLayers;
        if (layers.Count == 0)
        {
            // No layer runs in parts: Predict with intra-op threads is Predict.
            return;
        }

        var generic = kernels.UsesLanes ? LanesCode.TypeParameters : "";
        var constraints = kernels.UsesLanes ? LanesCode.Constraints : "";
        if (kernels.UsesLanes)
        {
            writer.Line("/// <summary>Runs every layer on one sample with the widest SIMD this CPU accelerates, the parts of the larger layers on up to <paramref name=\"threads\"/> threads.</summary>");
            CpuEmitter.WriteLaneDispatch(writer, kernels.Options.LaneWidths, "internal static void RunThreaded" + Signature, null, "RunThreaded<{0}>(input, output, arenaArray, threads);");
            writer.Line();
        }

        writer.Line("/// <summary>Runs every layer on one sample, the parts of the larger layers on up to <paramref name=\"threads\"/> threads, this one included.</summary>");
        writer.Line((kernels.UsesLanes ? "private" : "internal") + " static void RunThreaded" + generic + Signature + constraints);
        using (writer.Block())
        {
            writer.Line("global::System.Span<float> arena = Arena(arenaArray);");
            writer.Line("var team = IntraOpTeam.ForThisThread();");
            writer.Line("team.Begin(arenaArray, threads);");
            writer.Line("try");
            using (writer.Block())
            {
                writer.Lines(kernels.ThreadedRunBody.ToString());
            }

            writer.Line("finally");
            using (writer.Block())
            {
                writer.Line("team.End();");
            }
        }

        writer.Line();
        if (kernels.UsesLanes)
        {
            writer.Line("/// <summary>Runs part <paramref name=\"task\"/> of parallel layer <paramref name=\"layer\"/> at the widest SIMD this CPU accelerates.</summary>");
            CpuEmitter.WriteLaneDispatch(writer, kernels.Options.LaneWidths, "internal static void RunTask(int layer, int task, global::System.Span<float> arena)", null, "RunTask<{0}>(layer, task, arena);");
            writer.Line();
        }

        writer.Line("/// <summary>Runs part <paramref name=\"task\"/> of parallel layer <paramref name=\"layer\"/>.</summary>");
        writer.Line((kernels.UsesLanes ? "private" : "internal") + " static void RunTask" + generic + "(int layer, int task, global::System.Span<float> arena)" + constraints);
        using (writer.Block())
        {
            using (writer.Block("switch (layer)"))
            {
                for (var index = 0; index < layers.Count; index++)
                {
                    writer.Line("case " + Literals.Int(index) + ":");
                    using (writer.Block("switch (task)"))
                    {
                        for (var task = 0; task < layers[index].Count; task++)
                        {
                            writer.Line("case " + Literals.Int(task) + ":");
                            foreach (var call in layers[index][task])
                            {
                                writer.Line("    " + call);
                            }

                            writer.Line("    return;");
                        }
                    }

                    writer.Line("    break;");
                }
            }

            writer.Line("throw new global::System.ArgumentOutOfRangeException(nameof(task));");
        }

        writer.Line();
        writer.Lines(IntraOpTeam);
        writer.Line();
    }

    /// <summary>
    /// Predict's intra-op threads for one calling thread. Helpers from the thread pool join when a call begins, take
    /// parts of each parallel layer as they come, spin between layers, and linger briefly after the call for the next
    /// one. Parts are claimed from a counter whose high half numbers the layer's run, and each run's layer and part
    /// count sit in one of two slots, so a helper that read a finished run claims nothing of the next; the caller takes
    /// parts too and spins until every claimed part is done.
    /// </summary>
    private const string IntraOpTeam = """
/// <summary>The thread-pool helpers of Predict with intra-op threads for one calling thread, reused by every call.</summary>
internal sealed class IntraOpTeam : global::System.Threading.IThreadPoolWorkItem
{
    [global::System.ThreadStatic]
    private static IntraOpTeam? t_team;

    private static readonly global::System.TimeSpan Linger = global::System.TimeSpan.FromMicroseconds(50);

    private readonly int[] _layers = new int[2];
    private readonly int[] _parts = new int[2];
    private float[] _arena = global::System.Array.Empty<float>();
    private long _state;
    private int _pending;
    private int _helpers;
    private volatile bool _open;
    private long _closedAt;

    public static IntraOpTeam ForThisThread() => t_team ??= new IntraOpTeam();

    /// <summary>Starts a call: enough helpers to make <paramref name="threads"/> with this one.</summary>
    public void Begin(float[] arena, int threads)
    {
        _arena = arena;
        _open = true;
        while (true)
        {
            int helpers = global::System.Threading.Volatile.Read(ref _helpers);
            if (helpers >= threads - 1)
            {
                break;
            }

            if (global::System.Threading.Interlocked.CompareExchange(ref _helpers, helpers + 1, helpers) == helpers)
            {
                global::System.Threading.ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
    }

    /// <summary>Runs the <paramref name="parts"/> parts of parallel layer <paramref name="layer"/> and returns when all are done.</summary>
    public void Run(int layer, int parts)
    {
        long run = (global::System.Threading.Volatile.Read(ref _state) >> 32) + 1;
        int slot = (int)(run & 1);
        _layers[slot] = layer;
        _parts[slot] = parts;
        global::System.Threading.Volatile.Write(ref _pending, parts);
        global::System.Threading.Volatile.Write(ref _state, run << 32);
        while (TryRunPart())
        {
        }

        var spin = new global::System.Threading.SpinWait();
        while (global::System.Threading.Volatile.Read(ref _pending) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Ends a call; the helpers leave once no call has come for a little while.</summary>
    public void End()
    {
        global::System.Threading.Volatile.Write(ref _closedAt, global::System.Diagnostics.Stopwatch.GetTimestamp());
        _open = false;
    }

    public void Execute()
    {
        var spin = new global::System.Threading.SpinWait();
        while (true)
        {
            if (TryRunPart())
            {
                spin = default;
                continue;
            }

            if (_open)
            {
                // Between layers of a call: the next parts come within microseconds.
                global::System.Threading.Thread.SpinWait(4);
                continue;
            }

            if (global::System.Diagnostics.Stopwatch.GetElapsedTime(global::System.Threading.Volatile.Read(ref _closedAt)) > Linger)
            {
                break;
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }

        global::System.Threading.Interlocked.Decrement(ref _helpers);
    }

    /// <summary>Claims and runs one part of the current layer; false when none is left.</summary>
    private bool TryRunPart()
    {
        long state = global::System.Threading.Volatile.Read(ref _state);
        int slot = (int)((state >> 32) & 1);
        int part = (int)(state & 0xFFFFFFFF);
        if (part >= global::System.Threading.Volatile.Read(ref _parts[slot]))
        {
            return false;
        }

        if (global::System.Threading.Interlocked.CompareExchange(ref _state, state + 1, state) == state)
        {
            SparseGenKernels.RunTask(_layers[slot], part, SparseGenKernels.Arena(_arena));
            global::System.Threading.Interlocked.Decrement(ref _pending);
        }

        return true;
    }
}
""";
}
