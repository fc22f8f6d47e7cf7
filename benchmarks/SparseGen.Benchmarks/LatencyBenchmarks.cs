using System;
using System.IO;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace SparseGen.Benchmarks;

internal delegate void PredictFunction(ReadOnlySpan<float> input, Span<float> output);

/// <summary>
/// Batch-1 latency: the generated Predict against ONNX Runtime on the same ONNX file (graph optimisations on,
/// one intra-op thread, and all threads), inputs and outputs bound once so neither side allocates per call.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the sessions.
public class LatencyBenchmarks
#pragma warning restore CA1001
{
    private PredictFunction _predict = null!;
    private float[] _input = null!;
    private float[] _output = null!;
    private OnnxRuntimeRunner _oneThread = null!;
    private OnnxRuntimeRunner _allThreads = null!;

    [Params(nameof(DenseCnn), nameof(Pruned90Cnn), nameof(Uniform90Cnn), nameof(ResNet80), nameof(MobileNet70))]
    public string Model { get; set; } = nameof(DenseCnn);

    [GlobalSetup]
    public void Setup()
    {
        (_predict, var file, var inputLength, var outputLength, var shape) = Model switch
        {
            nameof(DenseCnn) => ((PredictFunction)DenseCnn.Predict, DenseCnn.File, DenseCnn.InputLength, DenseCnn.OutputLength, DenseCnn.InputShape.ToArray()),
            nameof(Pruned90Cnn) => (Pruned90Cnn.Predict, Pruned90Cnn.File, Pruned90Cnn.InputLength, Pruned90Cnn.OutputLength, Pruned90Cnn.InputShape.ToArray()),
            nameof(Uniform90Cnn) => (Uniform90Cnn.Predict, Uniform90Cnn.File, Uniform90Cnn.InputLength, Uniform90Cnn.OutputLength, Uniform90Cnn.InputShape.ToArray()),
            nameof(ResNet80) => (ResNet80.Predict, ResNet80.File, ResNet80.InputLength, ResNet80.OutputLength, ResNet80.InputShape.ToArray()),
            nameof(MobileNet70) => (MobileNet70.Predict, MobileNet70.File, MobileNet70.InputLength, MobileNet70.OutputLength, MobileNet70.InputShape.ToArray()),
            _ => throw new ArgumentException($"unknown model {Model}"),
        };
        var random = new Random(1);
        _input = Enumerable.Range(0, inputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _output = new float[outputLength];
        var path = ModelPath(file);
        _oneThread = new OnnxRuntimeRunner(path, _input, shape, outputLength, intraOpThreads: 1);
        _allThreads = new OnnxRuntimeRunner(path, _input, shape, outputLength, intraOpThreads: 0);

        // Both must compute the same thing before either is timed.
        _predict(_input, _output);
        _oneThread.Run();
        var difference = _output.Zip(_oneThread.Output, (a, b) => Math.Abs(a - b)).Max();
        if (!(difference <= 1e-4f))
        {
            throw new InvalidOperationException($"{Model}: generated code and ONNX Runtime differ by {difference}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _oneThread.Dispose();
        _allThreads.Dispose();
    }

    [Benchmark(Baseline = true, Description = "SparseGen Predict")]
    public void SparseGen() => _predict(_input, _output);

    [Benchmark(Description = "ONNX Runtime, 1 thread")]
    public void OnnxRuntimeOneThread() => _oneThread.Run();

    [Benchmark(Description = "ONNX Runtime, all threads")]
    public void OnnxRuntimeAllThreads() => _allThreads.Run();

    internal static string ModelPath(string relativeToProject)
    {
        var project = typeof(LatencyBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SparseGen.Benchmarks.ProjectDirectory").Value!;
        return Path.GetFullPath(Path.Combine(project, relativeToProject));
    }
}

/// <summary>An ONNX Runtime session with its input and output bound to fixed arrays.</summary>
internal sealed class OnnxRuntimeRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    public OnnxRuntimeRunner(string path, float[] input, int[] sampleShape, int outputLength, int intraOpThreads)
    {
        _options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = intraOpThreads };
        _session = new InferenceSession(path, _options);
        Output = new float[outputLength];
        _inputValue = OrtValue.CreateTensorValueFromMemory(input, new long[] { 1 }.Concat(sampleShape.Select(d => (long)d)).ToArray());
        var outputShape = _session.OutputMetadata.Values.Single().Dimensions.Select(d => d < 0 ? 1L : d).ToArray();
        _outputValue = OrtValue.CreateTensorValueFromMemory(Output, outputShape);
        _inputNames = new[] { _session.InputNames[0] };
        _outputNames = new[] { _session.OutputNames[0] };
        _inputs = new[] { _inputValue };
        _outputs = new[] { _outputValue };
    }

    public float[] Output { get; }

    public void Run() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    public void Dispose()
    {
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
