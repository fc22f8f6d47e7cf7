using System;
using System.Collections.Generic;
using System.Globalization;
using ILGPU;
using ILGPU.Runtime;

namespace SparseGen.Gpu;

/// <summary>
/// What every generated GPU runner shares: argument checks, batches cut into chunks that keep every
/// index inside <see cref="int"/>, the activation arena and host staging buffers (reused across calls),
/// and the weight tables uploaded once. The generated subclass loads its kernels and launches them in
/// <see cref="Run"/>.
/// </summary>
public abstract class GpuModel : IDisposable
{
    private readonly DeviceArena _arena;
    private readonly DeviceArena _stagedInputs;
    private readonly DeviceArena _stagedOutputs;
    private readonly List<IDisposable> _tables = new();
    private bool _disposed;

    /// <param name="accelerator">Where the kernels run; the caller keeps ownership of it.</param>
    /// <param name="inputLength">Floats in one input sample.</param>
    /// <param name="outputLength">Floats in one output sample.</param>
    /// <param name="arenaLength">Floats of activations one sample needs, every value placed at build time.</param>
    protected GpuModel(Accelerator accelerator, int inputLength, int outputLength, int arenaLength)
    {
        Accelerator = accelerator ?? throw new ArgumentNullException(nameof(accelerator));
        InputLength = inputLength;
        OutputLength = outputLength;
        ArenaLength = arenaLength;
        MaxChunk = Math.Max(1, int.MaxValue / Math.Max(1, Math.Max(arenaLength, Math.Max(inputLength, outputLength))));
        _arena = new DeviceArena(accelerator);
        _stagedInputs = new DeviceArena(accelerator);
        _stagedOutputs = new DeviceArena(accelerator);
    }

    /// <summary>The accelerator the kernels were loaded for.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Floats in one input sample.</summary>
    public int InputLength { get; }

    /// <summary>Floats in one output sample.</summary>
    public int OutputLength { get; }

    /// <summary>Floats of device memory one sample's activations take.</summary>
    public int ArenaLength { get; }

    /// <summary>The most samples one pass of the kernels takes; larger batches run in several passes.</summary>
    public int MaxChunk { get; }

    /// <summary>
    /// Enqueues the model on <paramref name="batch"/> samples on the accelerator's default stream; the
    /// outputs are there once the stream is synchronised (a copy to the host does that).
    /// </summary>
    /// <param name="inputs"><paramref name="batch"/> samples of <see cref="InputLength"/> floats, one after another.</param>
    /// <param name="outputs">Receives <paramref name="batch"/> outputs of <see cref="OutputLength"/> floats.</param>
    /// <param name="batch">The number of samples, at least 1.</param>
    public void Predict(ArrayView<float> inputs, ArrayView<float> outputs, int batch)
    {
        Check(inputs.Length, outputs.Length, batch);
        for (var start = 0; start < batch; start += MaxChunk)
        {
            var count = Math.Min(MaxChunk, batch - start);
            Run(
                inputs.SubView((long)start * InputLength, (long)count * InputLength),
                outputs.SubView((long)start * OutputLength, (long)count * OutputLength),
                count,
                _arena.Get((long)count * ArenaLength));
        }
    }

    /// <summary>Copies host samples to the device, runs the model and copies the outputs back (synchronous).</summary>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batch)
    {
        Check(inputs.Length, outputs.Length, batch);
        var deviceInputs = _stagedInputs.Get(inputs.Length);
        var deviceOutputs = _stagedOutputs.Get(outputs.Length);
        deviceInputs.CopyFromCPU(inputs);
        Predict(deviceInputs, deviceOutputs, batch);
        deviceOutputs.CopyToCPU(outputs);
        Accelerator.DefaultStream.Synchronize();
    }

    /// <summary>Frees the arena, the staging buffers and the tables; the accelerator stays the caller's.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _arena.Dispose();
        _stagedInputs.Dispose();
        _stagedOutputs.Dispose();
        foreach (var table in _tables)
        {
            table.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Launches every layer's kernels on one chunk of at most <see cref="MaxChunk"/> samples.</summary>
    /// <param name="inputs">The chunk's inputs.</param>
    /// <param name="outputs">Where the chunk's outputs go.</param>
    /// <param name="batch">Samples in the chunk.</param>
    /// <param name="arena"><paramref name="batch"/> × <see cref="ArenaLength"/> floats for the activations in between.</param>
    protected abstract void Run(ArrayView<float> inputs, ArrayView<float> outputs, int batch, ArrayView<float> arena);

    /// <summary>Copies a constant table to the device once; it lives as long as this runner.</summary>
    protected ArrayView<float> Upload(ReadOnlySpan<float> values)
    {
        var buffer = Accelerator.Allocate1D<float>(Math.Max(1, values.Length));
        _tables.Add(buffer);
        ArrayView<float> view = buffer.View;
        if (values.Length > 0)
        {
            view.SubView(0, values.Length).CopyFromCPU(values);
        }

        return view;
    }

    /// <summary>Copies a constant table of indices to the device once; it lives as long as this runner.</summary>
    protected ArrayView<int> Upload(ReadOnlySpan<int> values)
    {
        var buffer = Accelerator.Allocate1D<int>(Math.Max(1, values.Length));
        _tables.Add(buffer);
        ArrayView<int> view = buffer.View;
        if (values.Length > 0)
        {
            view.SubView(0, values.Length).CopyFromCPU(values);
        }

        return view;
    }

    private void Check(long inputs, long outputs, int batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1");
        }

        if (inputs != (long)batch * InputLength)
        {
            throw new ArgumentException(Message("inputs", inputs, batch, InputLength), nameof(inputs));
        }

        if (outputs != (long)batch * OutputLength)
        {
            throw new ArgumentException(Message("outputs", outputs, batch, OutputLength), nameof(outputs));
        }
    }

    private static string Message(string what, long actual, int batch, int perSample) =>
        string.Format(CultureInfo.InvariantCulture, "{0} holds {1} floats but a batch of {2} samples of {3} floats needs {4}", what, actual, batch, perSample, (long)batch * perSample);
}
