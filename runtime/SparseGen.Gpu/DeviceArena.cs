using System;
using ILGPU;
using ILGPU.Runtime;

namespace SparseGen.Gpu;

/// <summary>
/// A device buffer that grows to the largest length asked for and is then reused, so calls after the
/// first with the same (or a smaller) batch allocate nothing.
/// </summary>
public sealed class DeviceArena : IDisposable
{
    private readonly Accelerator _accelerator;
    private MemoryBuffer1D<float, Stride1D.Dense>? _buffer;

    /// <summary>An empty arena on <paramref name="accelerator"/>; nothing is allocated until the first <see cref="Get"/>.</summary>
    public DeviceArena(Accelerator accelerator) => _accelerator = accelerator ?? throw new ArgumentNullException(nameof(accelerator));

    /// <summary>Floats the buffer holds now (0 before the first use).</summary>
    public long Capacity => _buffer?.Length ?? 0;

    /// <summary>A view of exactly <paramref name="length"/> floats, over a buffer reallocated only when it is too small.</summary>
    public ArrayView<float> Get(long length)
    {
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "a length is not negative");
        }

        if (_buffer is null || _buffer.Length < length)
        {
            _buffer?.Dispose();
            _buffer = null;
            _buffer = _accelerator.Allocate1D<float>(Math.Max(length, 1));
        }

        return ((ArrayView<float>)_buffer.View).SubView(0, length);
    }

    /// <summary>Frees the device buffer.</summary>
    public void Dispose()
    {
        _buffer?.Dispose();
        _buffer = null;
    }
}
