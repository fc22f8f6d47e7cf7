using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace SparseGen.Benchmarks;

/// <summary>An ONNX Runtime session (graph optimisations on) with its input and output bound to fixed arrays.</summary>
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

    /// <param name="path">The ONNX file.</param>
    /// <param name="inputs"><paramref name="batch"/> samples, one after another.</param>
    /// <param name="sampleShape">The shape of one sample.</param>
    /// <param name="outputLength">Floats in one output sample.</param>
    /// <param name="batch">Samples per run.</param>
    /// <param name="intraOpThreads">1 for one thread; 0 for ONNX Runtime's default, all cores.</param>
    /// <param name="allowSpinning">
    /// Whether idle intra-op threads spin waiting for work (ONNX Runtime's default). The latency benchmarks turn it off:
    /// the benchmarks share one process, and a spinning worker takes the core (or its hyperthread sibling) from
    /// whatever single-threaded benchmark runs next.
    /// </param>
    public OnnxRuntimeRunner(string path, float[] inputs, int[] sampleShape, int outputLength, int batch, int intraOpThreads, bool allowSpinning = true)
    {
        _options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = intraOpThreads };
        if (!allowSpinning)
        {
            _options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        _session = new InferenceSession(path, _options);
        Output = new float[outputLength * batch];
        _inputValue = OrtValue.CreateTensorValueFromMemory(inputs, new long[] { batch }.Concat(sampleShape.Select(d => (long)d)).ToArray());
        var outputShape = _session.OutputMetadata.Values.Single().Dimensions.Select(d => (long)d).ToArray();
        outputShape[0] = batch;
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
