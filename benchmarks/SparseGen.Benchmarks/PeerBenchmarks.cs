using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace SparseGen.Benchmarks;

/// <summary>
/// What every benchmark of a generated model against its peers shares: the model, a fixed random input of a batch
/// of samples and its output, and the peer runners over the same file, disposed after the run.
/// </summary>
public abstract class PeerBenchmarks
{
    private readonly List<IDisposable> _runners = new();

    private protected BenchmarkModel Subject { get; private set; } = null!;

    /// <summary>The batch's samples one after another (<see cref="RandomInputs"/>: the same on every run).</summary>
    protected float[] Inputs { get; private set; } = null!;

    protected float[] Outputs { get; private set; } = null!;

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var runner in _runners)
        {
            runner.Dispose();
        }

        _runners.Clear();
    }

    protected void Load(string modelName, int batch)
    {
        Subject = ModelCatalog.Get(modelName);
        Inputs = RandomInputs.Create(Subject.InputLength * batch);
        Outputs = new float[Subject.OutputLength * batch];
    }

    /// <param name="intraOpThreads">ONNX Runtime's intra-op threads, 0 for all.</param>
    private protected OnnxRuntimeRunner OpenOnnxRuntime(int batch, int intraOpThreads, bool allowSpinning = true) =>
        Own(new OnnxRuntimeRunner(Subject.FullPath, Inputs, Subject.InputShape, Subject.OutputLength, batch, intraOpThreads, allowSpinning));

    private protected TorchSharpRunner OpenTorchSharp(int batch, int threads) =>
        Own(new TorchSharpRunner(Subject.FullPath, Inputs, Subject.InputShape, Subject.OutputLength, batch, threads));

    private T Own<T>(T runner) where T : IDisposable
    {
        _runners.Add(runner);
        return runner;
    }
}

/// <summary>A <see cref="PeerBenchmarks"/> over each of the main models (<see cref="ModelCatalog.MainModels"/>).</summary>
public abstract class MainModelBenchmarks : PeerBenchmarks
{
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = nameof(DenseCnn);

    public static IEnumerable<string> Models => ModelCatalog.MainModels;
}
