using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace SparseGen.Benchmarks;

/// <summary>
/// Latency against sparsity: the dense CNN magnitude-pruned per layer (<c>make-sweep</c>), each level compiled
/// by the generator, timed at batch 1 on one thread for SparseGen, ONNX Runtime and TorchSharp.
/// <c>sweep-plot</c> draws the result.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks : PeerBenchmarks
{
    private OnnxRuntimeRunner _onnx = null!;
    private TorchSharpRunner _torch = null!;

    /// <summary>Percent of each layer's weights set to zero.</summary>
    [ParamsSource(nameof(Sparsities))]
    public int Sparsity { get; set; }

    public static IEnumerable<int> Sparsities => ModelCatalog.CompiledSweepLevels;

    [GlobalSetup]
    public void Setup()
    {
        Load(ModelCatalog.SweepModelName(Sparsity), batch: 1);
        _onnx = OpenOnnxRuntime(batch: 1, intraOpThreads: 1);
        _torch = OpenTorchSharp(batch: 1, threads: 1);

        SparseGen();
        OnnxRuntime();
        TorchSharp();
        Agreement.Require(Subject.Name, ("SparseGen", Outputs), ("ONNX Runtime", _onnx.Output), ("TorchSharp", _torch.Output));
    }

    [Benchmark(Baseline = true, Description = "SparseGen")]
    public void SparseGen() => Subject.Predict(Inputs, Outputs);

    [Benchmark(Description = "ONNX Runtime")]
    public void OnnxRuntime() => _onnx.Run();

    [Benchmark(Description = "TorchSharp")]
    public void TorchSharp() => _torch.Run();
}
