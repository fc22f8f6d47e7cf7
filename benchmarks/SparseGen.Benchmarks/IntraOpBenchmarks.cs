using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace SparseGen.Benchmarks;

/// <summary>
/// Batch-1 latency with the opt-in intra-op threads: Predict on the calling thread against Predict with every core,
/// and ONNX Runtime with all threads beside them. The threaded outputs are checked equal to Predict's before timing.
/// </summary>
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the runner.
public class IntraOpBenchmarks
#pragma warning restore CA1001
{
    private BenchmarkModel _model = null!;
    private float[] _input = null!;
    private float[] _output = null!;
    private OnnxRuntimeRunner _onnxAllThreads = null!;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = nameof(DenseCnn);

    public static IEnumerable<string> Models => ModelCatalog.MainModels;

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelCatalog.Get(Model);
        _input = RandomInputs.Create(_model.InputLength);
        _output = new float[_model.OutputLength];
        _onnxAllThreads = new OnnxRuntimeRunner(_model.FullPath, _input, _model.InputShape, _model.OutputLength, batch: 1, intraOpThreads: 0, allowSpinning: false);

        SparseGenAllThreads();
        var threaded = (float[])_output.Clone();
        SparseGen();
        OnnxRuntimeAllThreads();
        Agreement.Require(Model, ("SparseGen", _output), ("SparseGen, all threads", threaded), ("ONNX Runtime, all threads", _onnxAllThreads.Output));
    }

    [GlobalCleanup]
    public void Cleanup() => _onnxAllThreads.Dispose();

    [Benchmark(Baseline = true, Description = "SparseGen Predict")]
    public void SparseGen() => _model.Predict(_input, _output);

    [Benchmark(Description = "SparseGen Predict, intra-op threads on every core")]
    public void SparseGenAllThreads() => _model.PredictThreaded(_input, _output, Environment.ProcessorCount);

    [Benchmark(Description = "ONNX Runtime, all threads")]
    public void OnnxRuntimeAllThreads() => _onnxAllThreads.Run();
}
