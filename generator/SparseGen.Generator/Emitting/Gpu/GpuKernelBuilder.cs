using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;

namespace SparseGen.Generator.Emitting.Gpu;

/// <summary>The shapes of kernel the runner launches (each a delegate type <c>SparseGen.Gpu.KernelCache</c> loads).</summary>
internal enum KernelShape
{
    /// <summary>(index, x, y).</summary>
    Unary,

    /// <summary>(index, a, b, y), or (index, x, y, constant table).</summary>
    Binary,

    /// <summary>(index, x, y, float table, int table, batch).</summary>
    Table,
}

/// <summary>
/// Collects what the GPU file holds: kernel methods and constant tables (in the kernel class), and for
/// the runner the kernel fields, the constructor's loads and uploads, and the launches of <c>Run</c>.
/// </summary>
internal sealed class GpuKernelBuilder
{
    public const string FloatView = "global::ILGPU.ArrayView<float>";
    public const string IntView = "global::ILGPU.ArrayView<int>";
    public const string Index = "global::ILGPU.Index1D";

    private readonly List<string> _fields = new();
    private readonly List<string> _constructor = new();

    public GpuKernelBuilder(GpuOptions options) => Options = options;

    public GpuOptions Options { get; }

    /// <summary>Kernel methods and tables, at indentation zero.</summary>
    public SourceWriter Kernels { get; } = new();

    /// <summary>The body of the runner's <c>Run</c>.</summary>
    public SourceWriter Run { get; } = new();

    public IReadOnlyList<string> Fields => _fields;

    public IReadOnlyList<string> Constructor => _constructor;

    public int KernelCount { get; private set; }

    public static string Parameters(KernelShape shape) => shape switch
    {
        KernelShape.Unary => Index + " index, " + FloatView + " x, " + FloatView + " y",
        KernelShape.Binary => Index + " index, " + FloatView + " x, " + FloatView + " y, " + FloatView + " z",
        _ => Index + " index, " + FloatView + " x, " + FloatView + " y, " + FloatView + " weights, " + IntView + " taps, int batch",
    };

    /// <summary>Declares a kernel: its field, its load in the constructor, and one launch in <c>Run</c>.</summary>
    public void Launch(string method, KernelShape shape, string count, params string[] arguments)
    {
        var field = "_" + char.ToLowerInvariant(method[0]) + method.Substring(1);
        var types = shape switch
        {
            KernelShape.Unary => Index + ", " + FloatView + ", " + FloatView,
            KernelShape.Binary => Index + ", " + FloatView + ", " + FloatView + ", " + FloatView,
            _ => Index + ", " + FloatView + ", " + FloatView + ", " + FloatView + ", " + IntView + ", int",
        };
        _fields.Add("private readonly global::System.Action<" + types + "> " + field + ";");
        _constructor.Add(field + " = global::SparseGen.Gpu.KernelCache.Load(accelerator, " + GpuEmitter.KernelClassName + "." + method + ");");
        Run.Line(field + "(" + count + ", " + string.Join(", ", arguments) + ");");
        KernelCount++;
    }

    /// <summary>A constant float table: static data in the kernel class, uploaded once by the constructor into a field of that name.</summary>
    public string FloatTable(string name, IReadOnlyList<float> values) => Table(name, "float", FloatView, values.Select(Literals.Float).ToList());

    public string IntTable(string name, IReadOnlyList<int> values) => Table(name, "int", IntView, values.Select(Literals.Int).ToList());

    private string Table(string name, string type, string view, IReadOnlyList<string> values)
    {
        var field = "_" + char.ToLowerInvariant(name[0]) + name.Substring(1);
        Kernels.Line("internal static global::System.ReadOnlySpan<" + type + "> " + name + " => new " + type + "[]");
        using (Kernels.Block(closing: "};"))
        {
            const int PerLine = 16;
            for (var start = 0; start < values.Count; start += PerLine)
            {
                Kernels.Line(string.Join(", ", values.Skip(start).Take(PerLine)) + ",");
            }
        }

        Kernels.Line();
        _fields.Add("private readonly " + view + " " + field + ";");
        _constructor.Add(field + " = Upload(" + GpuEmitter.KernelClassName + "." + name + ");");
        return field;
    }

    /// <summary>Writes a kernel method's signature line and opens its body.</summary>
    public SourceWriter.BlockScope Kernel(string method, KernelShape shape)
    {
        Kernels.Line("internal static void " + method + "(" + Parameters(shape) + ")");
        var scope = Kernels.Block();
        Kernels.Line("int i = index;");
        return scope;
    }
}
