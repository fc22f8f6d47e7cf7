using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace SparseGen.Benchmarks;

/// <summary>
/// Batch-1 latency on one thread: the generated Predict against ONNX Runtime (graph optimisations on; one
/// intra-op thread, and all threads with spinning off) and TorchSharp (one thread), inputs and outputs bound once.
/// All four are checked equal before timing. (Predict with intra-op threads is <see cref="IntraOpBenchmarks"/>: its
/// thread-pool helpers would count in this class's allocation column.)
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the runners.
public class LatencyBenchmarks
#pragma warning restore CA1001
{
    private BenchmarkModel _model = null!;
    private float[] _input = null!;
    private float[] _output = null!;
    private OnnxRuntimeRunner _onnxOneThread = null!;
    private OnnxRuntimeRunner _onnxAllThreads = null!;
    private TorchSharpRunner _torch = null!;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = nameof(DenseCnn);

    public static IEnumerable<string> Models => ModelCatalog.MainModels;

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelCatalog.Get(Model);
        _input = RandomInputs.Create(_model.InputLength);
        _output = new float[_model.OutputLength];
        _onnxOneThread = new OnnxRuntimeRunner(_model.FullPath, _input, _model.InputShape, _model.OutputLength, batch: 1, intraOpThreads: 1);
        _onnxAllThreads = new OnnxRuntimeRunner(_model.FullPath, _input, _model.InputShape, _model.OutputLength, batch: 1, intraOpThreads: 0, allowSpinning: false);
        _torch = new TorchSharpRunner(_model.FullPath, _input, _model.InputShape, _model.OutputLength, batch: 1, threads: 1);

        SparseGen();
        OnnxRuntimeOneThread();
        OnnxRuntimeAllThreads();
        TorchSharpOneThread();
        Agreement.Require(Model, ("SparseGen", _output), ("ONNX Runtime, 1 thread", _onnxOneThread.Output), ("ONNX Runtime, all threads", _onnxAllThreads.Output), ("TorchSharp", _torch.Output));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnxOneThread.Dispose();
        _onnxAllThreads.Dispose();
        _torch.Dispose();
    }

    [Benchmark(Baseline = true, Description = "SparseGen Predict")]
    public void SparseGen() => _model.Predict(_input, _output);

    [Benchmark(Description = "ONNX Runtime, 1 thread")]
    public void OnnxRuntimeOneThread() => _onnxOneThread.Run();

    [Benchmark(Description = "ONNX Runtime, all threads")]
    public void OnnxRuntimeAllThreads() => _onnxAllThreads.Run();

    [Benchmark(Description = "TorchSharp, 1 thread")]
    public void TorchSharpOneThread() => _torch.Run();
}
