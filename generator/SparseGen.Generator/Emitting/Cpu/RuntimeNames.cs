using System.Collections.Generic;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// How generated code names the SIMD layer it runs on, which lives in SparseGen.Runtime (<c>SparseGen.Kernels</c>):
/// kernels are generic methods over a lanes struct (<c>TLanes : struct, ILanes&lt;V&gt;</c>) whose members the JIT
/// inlines to single instructions; <c>Run</c> picks the widest width the CPU accelerates once per call, and the JIT
/// compiles only that instantiation. The scalar struct (one lane) runs the same kernels on any CPU.
/// </summary>
internal static class RuntimeNames
{
    /// <summary>The namespace of the runtime's kernels, as generated code writes it.</summary>
    public const string Namespace = "global::SparseGen.Kernels.";

    /// <summary>The lane-generic loops every model shares (<c>SparseGen.Kernels.LaneKernels</c>), with the dot.</summary>
    public const string LaneKernels = Namespace + "LaneKernels.";

    /// <summary>The one-float steps (<c>SparseGen.Kernels.Scalar</c>): Relu, Clip, Sigmoid, the max step, sums in double.</summary>
    public const string Scalar = Namespace + "Scalar.";

    /// <summary>Type parameters and constraints of a SIMD kernel method.</summary>
    public const string TypeParameters = "<V, TLanes>";

    public const string Constraints = " where V : struct where TLanes : struct, " + Namespace + "ILanes<V>";

    /// <summary>A call of the shared lane-generic loop <paramref name="name"/> at the kernel's width: <c>…LaneKernels.StoreRows&lt;V, TLanes&gt;</c>.</summary>
    public static string Kernel(string name) => LaneKernels + name + TypeParameters;

    /// <summary>The lane widths the dispatch tries, widest first: (struct name, vector type).</summary>
    public static IEnumerable<(string Lanes, string Vector)> Paths(LaneWidths widths)
    {
        if ((widths & LaneWidths.Vector512) != 0)
        {
            yield return (Namespace + "Lanes512", "global::System.Runtime.Intrinsics.Vector512<float>");
        }

        if ((widths & LaneWidths.Vector256) != 0)
        {
            yield return (Namespace + "Lanes256", "global::System.Runtime.Intrinsics.Vector256<float>");
        }

        if ((widths & LaneWidths.Vector128) != 0)
        {
            yield return (Namespace + "Lanes128", "global::System.Runtime.Intrinsics.Vector128<float>");
        }
    }

    /// <summary>The one-lane struct, the dispatch's last resort.</summary>
    public const string ScalarLanes = Namespace + "Lanes1";
}
