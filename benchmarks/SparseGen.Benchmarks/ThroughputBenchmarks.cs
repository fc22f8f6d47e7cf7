using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace SparseGen.Benchmarks;

/// <summary>
/// Throughput at batch 256 on all cores, reported per image: the generated PredictBatch (samples spread over
/// the cores), ONNX Runtime and TorchSharp with all intra-op threads. All three are checked equal before timing.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the runners.
public class ThroughputBenchmarks
#pragma warning restore CA1001
{
    public const int Batch = 256;

    private BenchmarkModel _model = null!;
    private float[] _inputs = null!;
    private float[] _outputs = null!;
    private OnnxRuntimeRunner _onnx = null!;
    private TorchSharpRunner _torch = null!;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = nameof(DenseCnn);

    public static IEnumerable<string> Models => ModelCatalog.MainModels;

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelCatalog.Get(Model);
        _inputs = RandomInputs.Create(_model.InputLength * Batch);
        _outputs = new float[_model.OutputLength * Batch];
        _onnx = new OnnxRuntimeRunner(_model.FullPath, _inputs, _model.InputShape, _model.OutputLength, Batch, intraOpThreads: 0);
        _torch = new TorchSharpRunner(_model.FullPath, _inputs, _model.InputShape, _model.OutputLength, Batch, threads: Environment.ProcessorCount);

        SparseGenBatch();
        OnnxRuntimeBatch();
        TorchSharpBatch();
        Agreement.Require(Model + $" at batch {Batch}", ("SparseGen", _outputs), ("ONNX Runtime", _onnx.Output), ("TorchSharp", _torch.Output));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnx.Dispose();
        _torch.Dispose();
    }

    [Benchmark(Baseline = true, Description = "SparseGen PredictBatch, per image", OperationsPerInvoke = Batch)]
    public void SparseGenBatch() => _model.PredictBatch(_inputs, _outputs, Batch);

    [Benchmark(Description = "ONNX Runtime, all threads, per image", OperationsPerInvoke = Batch)]
    public void OnnxRuntimeBatch() => _onnx.Run();

    [Benchmark(Description = "TorchSharp, all threads, per image", OperationsPerInvoke = Batch)]
    public void TorchSharpBatch() => _torch.Run();
}
