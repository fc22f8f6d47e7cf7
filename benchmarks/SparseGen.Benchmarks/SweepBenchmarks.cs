using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace SparseGen.Benchmarks;

/// <summary>
/// Latency against sparsity: the dense CNN magnitude-pruned per layer (<c>make-sweep</c>), each level compiled
/// by the generator, timed at batch 1 on one thread for SparseGen, ONNX Runtime and TorchSharp.
/// <c>sweep-plot</c> draws the result.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the runners.
public class SweepBenchmarks
#pragma warning restore CA1001
{
    private BenchmarkModel _model = null!;
    private float[] _input = null!;
    private float[] _output = null!;
    private OnnxRuntimeRunner _onnx = null!;
    private TorchSharpRunner _torch = null!;

    /// <summary>Percent of each layer's weights set to zero.</summary>
    [ParamsSource(nameof(Sparsities))]
    public int Sparsity { get; set; }

    public static IEnumerable<int> Sparsities => ModelCatalog.CompiledSweepLevels;

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelCatalog.Get(ModelCatalog.SweepModelName(Sparsity));
        _input = RandomInputs.Create(_model.InputLength);
        _output = new float[_model.OutputLength];
        _onnx = new OnnxRuntimeRunner(_model.FullPath, _input, _model.InputShape, _model.OutputLength, batch: 1, intraOpThreads: 1);
        _torch = new TorchSharpRunner(_model.FullPath, _input, _model.InputShape, _model.OutputLength, batch: 1, threads: 1);

        SparseGen();
        OnnxRuntime();
        TorchSharp();
        Agreement.Require(_model.Name, ("SparseGen", _output), ("ONNX Runtime", _onnx.Output), ("TorchSharp", _torch.Output));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnx.Dispose();
        _torch.Dispose();
    }

    [Benchmark(Baseline = true, Description = "SparseGen")]
    public void SparseGen() => _model.Predict(_input, _output);

    [Benchmark(Description = "ONNX Runtime")]
    public void OnnxRuntime() => _onnx.Run();

    [Benchmark(Description = "TorchSharp")]
    public void TorchSharp() => _torch.Run();
}
