using System;
using BenchmarkDotNet.Attributes;

namespace SparseGen.Benchmarks;

/// <summary>
/// Throughput at batch 256 on all cores, reported per image: the generated PredictBatch (samples spread over
/// the cores), ONNX Runtime and TorchSharp with all intra-op threads. All three are checked equal before timing.
/// </summary>
[MemoryDiagnoser]
public class ThroughputBenchmarks : MainModelBenchmarks
{
    public const int Batch = 256;

    private OnnxRuntimeRunner _onnx = null!;
    private TorchSharpRunner _torch = null!;

    [GlobalSetup]
    public void Setup()
    {
        Load(Model, Batch);
        _onnx = OpenOnnxRuntime(Batch, intraOpThreads: 0);
        _torch = OpenTorchSharp(Batch, threads: Environment.ProcessorCount);

        SparseGenBatch();
        OnnxRuntimeBatch();
        TorchSharpBatch();
        Agreement.Require(Model + $" at batch {Batch}", ("SparseGen", Outputs), ("ONNX Runtime", _onnx.Output), ("TorchSharp", _torch.Output));
    }

    [Benchmark(Baseline = true, Description = "SparseGen PredictBatch, per image", OperationsPerInvoke = Batch)]
    public void SparseGenBatch() => Subject.PredictBatch(Inputs, Outputs, Batch);

    [Benchmark(Description = "ONNX Runtime, all threads, per image", OperationsPerInvoke = Batch)]
    public void OnnxRuntimeBatch() => _onnx.Run();

    [Benchmark(Description = "TorchSharp, all threads, per image", OperationsPerInvoke = Batch)]
    public void TorchSharpBatch() => _torch.Run();
}
