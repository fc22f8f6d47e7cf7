using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace SparseGen.Benchmarks;

/// <summary>
/// The same ONNX file as a TorchSharp module, in inference mode, on a fixed input tensor; each run copies the
/// result into <see cref="Output"/> as the other runtimes write theirs. Torch's intra-op thread count is
/// process-wide: set here, so each benchmark's setup sets the count it measures.
/// </summary>
internal sealed class TorchSharpRunner : IDisposable
{
    private readonly TorchSharpGraphModule _module;
    private readonly Tensor _input;

    /// <param name="threads">Torch's intra-op threads: 1, or <see cref="Environment.ProcessorCount"/> for all.</param>
    public TorchSharpRunner(string path, float[] inputs, int[] sampleShape, int outputLength, int batch, int threads)
    {
        torch.set_num_threads(threads);
        _module = TorchSharpGraphModule.Load(path);
        _input = tensor(inputs, new long[] { batch }.Concat(sampleShape.Select(d => (long)d)).ToArray());
        Output = new float[outputLength * batch];
    }

    public float[] Output { get; }

    public void Run()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var result = _module.call(_input);
        result.data<float>().CopyTo(Output, 0);
    }

    public void Dispose()
    {
        _input.Dispose();
        _module.Dispose();
    }
}
