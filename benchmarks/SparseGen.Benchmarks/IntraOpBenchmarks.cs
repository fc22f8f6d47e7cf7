using System;
using BenchmarkDotNet.Attributes;

namespace SparseGen.Benchmarks;

/// <summary>
/// Batch-1 latency with the opt-in intra-op threads: Predict on the calling thread against Predict with every core (and
/// with int.MaxValue threads asked for, which must cost what every core costs: the count is clamped), and ONNX Runtime
/// with all threads beside them. The threaded outputs are checked equal to Predict's before timing.
/// </summary>
public class IntraOpBenchmarks : MainModelBenchmarks
{
    private OnnxRuntimeRunner _onnxAllThreads = null!;

    [GlobalSetup]
    public void Setup()
    {
        Load(Model, batch: 1);
        _onnxAllThreads = OpenOnnxRuntime(batch: 1, intraOpThreads: 0, allowSpinning: false);

        SparseGenAllThreads();
        var threaded = (float[])Outputs.Clone();
        SparseGen();
        OnnxRuntimeAllThreads();
        Agreement.Require(Model, ("SparseGen", Outputs), ("SparseGen, all threads", threaded), ("ONNX Runtime, all threads", _onnxAllThreads.Output));
    }

    [Benchmark(Baseline = true, Description = "SparseGen Predict")]
    public void SparseGen() => Subject.Predict(Inputs, Outputs);

    [Benchmark(Description = "SparseGen Predict, intra-op threads on every core")]
    public void SparseGenAllThreads() => Subject.PredictThreaded(Inputs, Outputs, Environment.ProcessorCount);

    [Benchmark(Description = "SparseGen Predict, intra-op threads int.MaxValue")]
    public void SparseGenMaxThreads() => Subject.PredictThreaded(Inputs, Outputs, int.MaxValue);

    [Benchmark(Description = "ONNX Runtime, all threads")]
    public void OnnxRuntimeAllThreads() => _onnxAllThreads.Run();
}
