using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace SparseGen.Benchmarks;

internal delegate void PredictFunction(ReadOnlySpan<float> input, Span<float> output);

internal delegate void PredictBatchFunction(ReadOnlySpan<float> inputs, Span<float> outputs, int batch);

internal delegate void PredictThreadedFunction(ReadOnlySpan<float> input, Span<float> output, int intraOpThreads);

/// <summary>A generated model with the facts its class carries and the ONNX file it came from.</summary>
internal sealed record BenchmarkModel(
    string Name,
    string Description,
    string File,
    PredictFunction Predict,
    PredictThreadedFunction PredictThreaded,
    PredictBatchFunction PredictBatch,
    int InputLength,
    int OutputLength,
    int[] InputShape,
    long RemainingMacs,
    long DenseMacs)
{
    /// <summary>The model file's full path (BenchmarkDotNet may run from another folder).</summary>
    public string FullPath => ModelCatalog.ProjectPath(File);
}

/// <summary>The models the benchmarks know by name.</summary>
internal static class ModelCatalog
{
    /// <summary>Sparsity (percent of each layer's weights set to zero) of each sweep model.</summary>
    public static readonly int[] SweepLevels = { 0, 50, 70, 80, 90, 95, 98 };

    /// <summary>The sweep levels compiled into this build: Debug builds leave the pruned ones out (see the project file).</summary>
    public static IEnumerable<int> CompiledSweepLevels => SweepLevels.Where(s => Models.ContainsKey(SweepModelName(s)));

    private static readonly Dictionary<string, BenchmarkModel> Models = Create().ToDictionary(m => m.Name);

    /// <summary>
    /// The models of the latency and throughput benchmarks: the dense and trained 90 % CNNs, the MAC-aware 90 % CNN pruned in
    /// blocks of 16 channels, the CNN with 75 % of its
    /// filters zeroed and the same with them removed (what a runtime of dense kernels needs to gain from them), the fixtures.
    /// </summary>
    public static IEnumerable<string> MainModels
    {
        get
        {
            yield return nameof(DenseCnn);
#if SPARSEGEN_TRAINED_CNN90
            yield return nameof(TrainedCnn90);
#endif
            yield return nameof(MacAwareBlocksCnn);
            yield return nameof(FiltersZeroedCnn);
            yield return nameof(FiltersRemovedCnn);
            yield return nameof(ResNet80);
            yield return nameof(MobileNet70);
        }
    }

    /// <summary>Whether the trained 90 % CNN was found at build time (samples/FashionMnist/model/*90*.onnx).</summary>
    public static bool HasTrainedCnn90 => MainModels.Contains("TrainedCnn90");

    public static IEnumerable<BenchmarkModel> All => Models.Values;

    public static BenchmarkModel Get(string name) =>
        Models.TryGetValue(name, out var model) ? model : throw new ArgumentException($"unknown model {name}", nameof(name));

    /// <summary>The class name of the sweep model with this sparsity: at 0 %, the dense CNN itself.</summary>
    public static string SweepModelName(int sparsityPercent) => sparsityPercent == 0 ? nameof(DenseCnn) : $"CnnSparsity{sparsityPercent:00}";

    /// <summary>The file, relative to the project folder, that <c>make-sweep</c> writes for this sparsity.</summary>
    public static string SweepFile(int sparsityPercent) => $"models/sweep/fashion_cnn_s{sparsityPercent:00}.onnx";

    public static string ProjectPath(string relativeToProject) => Path.GetFullPath(Path.Combine(ProjectDirectory, relativeToProject));

    public static string ProjectDirectory =>
        typeof(ModelCatalog).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SparseGen.Benchmarks.ProjectDirectory").Value!;

    private static IEnumerable<BenchmarkModel> Create()
    {
        yield return new(nameof(DenseCnn), "dense CNN", DenseCnn.File, DenseCnn.Predict, DenseCnn.Predict, DenseCnn.PredictBatch, DenseCnn.InputLength, DenseCnn.OutputLength, DenseCnn.InputShape.ToArray(), DenseCnn.SparseMacs, DenseCnn.DenseMacs);
#if SPARSEGEN_TRAINED_CNN90
        yield return new(nameof(TrainedCnn90), "CNN trained to 90 %", TrainedCnn90.File, TrainedCnn90.Predict, TrainedCnn90.Predict, TrainedCnn90.PredictBatch, TrainedCnn90.InputLength, TrainedCnn90.OutputLength, TrainedCnn90.InputShape.ToArray(), TrainedCnn90.SparseMacs, TrainedCnn90.DenseMacs);
#endif
        yield return new(nameof(MacAwareBlocksCnn), "CNN, MAC-aware 90 % in 16-channel blocks", MacAwareBlocksCnn.File, MacAwareBlocksCnn.Predict, MacAwareBlocksCnn.Predict, MacAwareBlocksCnn.PredictBatch, MacAwareBlocksCnn.InputLength, MacAwareBlocksCnn.OutputLength, MacAwareBlocksCnn.InputShape.ToArray(), MacAwareBlocksCnn.SparseMacs, MacAwareBlocksCnn.DenseMacs);
        yield return new(nameof(FiltersZeroedCnn), "CNN, 75 % of filters zeroed", FiltersZeroedCnn.File, FiltersZeroedCnn.Predict, FiltersZeroedCnn.Predict, FiltersZeroedCnn.PredictBatch, FiltersZeroedCnn.InputLength, FiltersZeroedCnn.OutputLength, FiltersZeroedCnn.InputShape.ToArray(), FiltersZeroedCnn.SparseMacs, FiltersZeroedCnn.DenseMacs);
        yield return new(nameof(FiltersRemovedCnn), "the same, zero filters removed", FiltersRemovedCnn.File, FiltersRemovedCnn.Predict, FiltersRemovedCnn.Predict, FiltersRemovedCnn.PredictBatch, FiltersRemovedCnn.InputLength, FiltersRemovedCnn.OutputLength, FiltersRemovedCnn.InputShape.ToArray(), FiltersRemovedCnn.SparseMacs, FiltersRemovedCnn.DenseMacs);
        yield return new(nameof(ResNet80), "ResNet, 80 % pruned", ResNet80.File, ResNet80.Predict, ResNet80.Predict, ResNet80.PredictBatch, ResNet80.InputLength, ResNet80.OutputLength, ResNet80.InputShape.ToArray(), ResNet80.SparseMacs, ResNet80.DenseMacs);
        yield return new(nameof(MobileNet70), "MobileNet-ish, 70 % pruned", MobileNet70.File, MobileNet70.Predict, MobileNet70.Predict, MobileNet70.PredictBatch, MobileNet70.InputLength, MobileNet70.OutputLength, MobileNet70.InputShape.ToArray(), MobileNet70.SparseMacs, MobileNet70.DenseMacs);
#if SPARSEGEN_SWEEP
        yield return new(nameof(CnnSparsity50), "CNN, 50 % pruned", CnnSparsity50.File, CnnSparsity50.Predict, CnnSparsity50.Predict, CnnSparsity50.PredictBatch, CnnSparsity50.InputLength, CnnSparsity50.OutputLength, CnnSparsity50.InputShape.ToArray(), CnnSparsity50.SparseMacs, CnnSparsity50.DenseMacs);
        yield return new(nameof(CnnSparsity70), "CNN, 70 % pruned", CnnSparsity70.File, CnnSparsity70.Predict, CnnSparsity70.Predict, CnnSparsity70.PredictBatch, CnnSparsity70.InputLength, CnnSparsity70.OutputLength, CnnSparsity70.InputShape.ToArray(), CnnSparsity70.SparseMacs, CnnSparsity70.DenseMacs);
        yield return new(nameof(CnnSparsity80), "CNN, 80 % pruned", CnnSparsity80.File, CnnSparsity80.Predict, CnnSparsity80.Predict, CnnSparsity80.PredictBatch, CnnSparsity80.InputLength, CnnSparsity80.OutputLength, CnnSparsity80.InputShape.ToArray(), CnnSparsity80.SparseMacs, CnnSparsity80.DenseMacs);
        yield return new(nameof(CnnSparsity90), "CNN, 90 % pruned", CnnSparsity90.File, CnnSparsity90.Predict, CnnSparsity90.Predict, CnnSparsity90.PredictBatch, CnnSparsity90.InputLength, CnnSparsity90.OutputLength, CnnSparsity90.InputShape.ToArray(), CnnSparsity90.SparseMacs, CnnSparsity90.DenseMacs);
        yield return new(nameof(CnnSparsity95), "CNN, 95 % pruned", CnnSparsity95.File, CnnSparsity95.Predict, CnnSparsity95.Predict, CnnSparsity95.PredictBatch, CnnSparsity95.InputLength, CnnSparsity95.OutputLength, CnnSparsity95.InputShape.ToArray(), CnnSparsity95.SparseMacs, CnnSparsity95.DenseMacs);
        yield return new(nameof(CnnSparsity98), "CNN, 98 % pruned", CnnSparsity98.File, CnnSparsity98.Predict, CnnSparsity98.Predict, CnnSparsity98.PredictBatch, CnnSparsity98.InputLength, CnnSparsity98.OutputLength, CnnSparsity98.InputShape.ToArray(), CnnSparsity98.SparseMacs, CnnSparsity98.DenseMacs);
#endif
    }
}
