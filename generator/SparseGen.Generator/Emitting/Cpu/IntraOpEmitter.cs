using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// The generated code of Predict with intra-op threads: the per-thread scratch that layer parts running side by side
/// keep to themselves, <c>RunThreaded</c>, the (layer, part) switch, and the team of thread-pool helpers.
/// </summary>
internal static class IntraOpEmitter
{
    public static void WriteThreadScratch(SourceWriter writer, int threadScratchLength)
    {
        if (threadScratchLength == 0)
        {
            return;
        }

        writer.Line("/// <summary>Floats of scratch each thread keeps for itself: layer parts that run side by side never share it.</summary>");
        writer.Line("internal const int ThreadScratchLength = " + Literals.Int(threadScratchLength) + ";");
        writer.Line();
        writer.Line("[global::System.ThreadStatic]");
        writer.Line("private static float[]? t_scratch;");
        writer.Line();
        writer.Line("/// <summary>The start of this thread's scratch, made on its first call: pinned, on a 64-byte boundary like the arena.</summary>");
        writer.Line("private static ref float ThreadScratch() => ref " + RuntimeNames.Namespace + "AlignedArrays.AlignedReference(t_scratch ??= " + RuntimeNames.Namespace + "AlignedArrays.New(ThreadScratchLength));");

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

        var generic = kernels.UsesLanes ? RuntimeNames.TypeParameters : "";
        var constraints = kernels.UsesLanes ? RuntimeNames.Constraints : "";
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
            writer.Line("var team = t_team ??= new " + RuntimeNames.Namespace + "IntraOpTeam(s_runTask);");
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
        WriteRunTask(writer, kernels, generic, constraints);
        writer.Line();
        writer.Line("/// <summary>This thread's team of Predict's intra-op threads, made on its first threaded call.</summary>");
        writer.Line("[global::System.ThreadStatic]");
        writer.Line("private static " + RuntimeNames.Namespace + "IntraOpTeam? t_team;");
        writer.Line();
        writer.Line("private static readonly " + RuntimeNames.Namespace + "LayerPartRunner s_runTask = RunTask;");
        writer.Line();
    }

    /// <summary><c>RunTask</c>: part <c>task</c> of parallel layer <c>layer</c>, a ranged call or the part's own calls.</summary>
    private static void WriteRunTask(SourceWriter writer, KernelClassBuilder kernels, string generic, string constraints)
    {
        var layers = kernels.ParallelLayers;
        if (kernels.UsesLanes)
        {
            writer.Line("/// <summary>Runs part <paramref name=\"task\"/> of parallel layer <paramref name=\"layer\"/> at the widest SIMD this CPU accelerates.</summary>");
            CpuEmitter.WriteLaneDispatch(writer, kernels.Options.LaneWidths, "internal static void RunTask(int layer, int task, float[] arenaArray)", "global::System.Span<float> arena = Arena(arenaArray);", "RunTask<{0}>(layer, task, arena);");
            writer.Line();
        }

        writer.Line("/// <summary>Runs part <paramref name=\"task\"/> of parallel layer <paramref name=\"layer\"/>.</summary>");
        writer.Line((kernels.UsesLanes ? "private" : "internal") + " static void RunTask" + generic + "(int layer, int task, " + (kernels.UsesLanes ? "global::System.Span<float> arena" : "float[] arenaArray") + ")" + constraints);
        using (writer.Block())
        {
            if (!kernels.UsesLanes)
            {
                writer.Line("global::System.Span<float> arena = Arena(arenaArray);");
            }

            using (writer.Block("switch (layer)"))
            {
                for (var index = 0; index < layers.Count; index++)
                {
                    writer.Line("case " + Literals.Int(index) + ":");
                    if (layers[index].RangedCall is { } ranged)
                    {
                        writer.Line("    " + ranged);
                        writer.Line("    return;");
                        continue;
                    }

                    using (writer.Block("switch (task)"))
                    {
                        for (var task = 0; task < layers[index].Parts.Count; task++)
                        {
                            writer.Line("case " + Literals.Int(task) + ":");
                            foreach (var call in layers[index].Parts[task])
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

    }
}
