using BenchmarkDotNet.Attributes;

namespace SparseGen.Benchmarks;

/// <summary>
/// Batch-1 latency on one thread: the generated Predict against ONNX Runtime (graph optimisations on; one
/// intra-op thread, and all threads with spinning off) and TorchSharp (one thread), inputs and outputs bound once.
/// All four are checked equal before timing. (Predict with intra-op threads is <see cref="IntraOpBenchmarks"/>: its
/// thread-pool helpers would count in this class's allocation column.)
/// </summary>
[MemoryDiagnoser]
public class LatencyBenchmarks : MainModelBenchmarks
{
    private OnnxRuntimeRunner _onnxOneThread = null!;
    private OnnxRuntimeRunner _onnxAllThreads = null!;
    private TorchSharpRunner _torch = null!;

    [GlobalSetup]
    public void Setup()
    {
        Load(Model, batch: 1);
        _onnxOneThread = OpenOnnxRuntime(batch: 1, intraOpThreads: 1);
        _onnxAllThreads = OpenOnnxRuntime(batch: 1, intraOpThreads: 0, allowSpinning: false);
        _torch = OpenTorchSharp(batch: 1, threads: 1);

        SparseGen();
        OnnxRuntimeOneThread();
        OnnxRuntimeAllThreads();
        TorchSharpOneThread();
        Agreement.Require(Model, ("SparseGen", Outputs), ("ONNX Runtime, 1 thread", _onnxOneThread.Output), ("ONNX Runtime, all threads", _onnxAllThreads.Output), ("TorchSharp", _torch.Output));
    }

    [Benchmark(Baseline = true, Description = "SparseGen Predict")]
    public void SparseGen() => Subject.Predict(Inputs, Outputs);

    [Benchmark(Description = "ONNX Runtime, 1 thread")]
    public void OnnxRuntimeOneThread() => _onnxOneThread.Run();

    [Benchmark(Description = "ONNX Runtime, all threads")]
    public void OnnxRuntimeAllThreads() => _onnxAllThreads.Run();

    [Benchmark(Description = "TorchSharp, 1 thread")]
    public void TorchSharpOneThread() => _torch.Run();
}
