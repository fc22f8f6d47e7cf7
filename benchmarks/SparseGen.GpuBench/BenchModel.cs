using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using ILGPU.Runtime;
using SparseGen.Gpu;

namespace SparseGen.GpuBench;

internal delegate void PredictBatchFunction(ReadOnlySpan<float> inputs, Span<float> outputs, int batch);

/// <summary>One generated model class: its CPU batch entry point and its GPU runner factory.</summary>
internal sealed class BenchModel
{
    private readonly MethodInfo _createGpu;

    private BenchModel(string name, Type type)
    {
        Name = name;
        InputLength = (int)type.GetField("InputLength")!.GetValue(null)!;
        OutputLength = (int)type.GetField("OutputLength")!.GetValue(null)!;
        SparseMacs = (long)type.GetField("SparseMacs")!.GetValue(null)!;
        DenseMacs = (long)type.GetField("DenseMacs")!.GetValue(null)!;
        PredictBatch = type.GetMethod("PredictBatch")!.CreateDelegate<PredictBatchFunction>();
        _createGpu = type.GetMethod("CreateGpu") ?? throw new InvalidOperationException($"{type} has no CreateGpu: is ILGPU referenced?");
    }

    /// <summary>The model file's name without extension.</summary>
    public string Name { get; }

    public int InputLength { get; }

    public int OutputLength { get; }

    public long SparseMacs { get; }

    public long DenseMacs { get; }

    public PredictBatchFunction PredictBatch { get; }

    public GpuModel CreateGpu(Accelerator accelerator) => (GpuModel)_createGpu.Invoke(null, new object[] { accelerator })!;

    /// <summary>Every class the project declared for a model file, by file name.</summary>
    public static IReadOnlyList<BenchModel> All() => typeof(BenchModel).Assembly.GetTypes()
        .Select(t => (Type: t, Attribute: t.GetCustomAttribute<SparseModelAttribute>()))
        .Where(t => t.Attribute is not null)
        .Select(t => new BenchModel(Path.GetFileNameWithoutExtension(t.Attribute!.Path), t.Type))
        .OrderBy(m => m.Name, StringComparer.Ordinal)
        .ToList();
}
