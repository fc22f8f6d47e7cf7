using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading;

namespace SparseGen.Kernels;

/// <summary>Runs part <paramref name="part"/> of the model's parallel layer <paramref name="layer"/> on the arena in <paramref name="arena"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void LayerPartRunner(int layer, int part, float[] arena);

/// <summary>
/// Predict's intra-op threads for one calling thread and one model. Helpers from the thread pool join when a call
/// begins, take parts of each parallel layer as they come, spin between layers, and linger briefly after the call for
/// the next one. Parts are claimed from a counter whose high half numbers the layer's run, and each run's layer and part
/// count sit in one of two slots, so a helper that read a finished run claims nothing of the next; the caller takes
/// parts too and spins until every claimed part is done. For generated code: not a stable API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class IntraOpTeam : IThreadPoolWorkItem
{
    private static readonly TimeSpan Linger = TimeSpan.FromMicroseconds(50);

    private readonly LayerPartRunner _runPart;
    private readonly int[] _layers = new int[2];
    private readonly int[] _parts = new int[2];
    private float[] _arena = Array.Empty<float>();
    private long _state;
    private int _pending;
    private int _helpers;
    private volatile bool _open;
    private long _closedAt;

    /// <param name="runPart">Runs one part of a parallel layer: the model's parts switch.</param>
    public IntraOpTeam(LayerPartRunner runPart) => _runPart = runPart;

    /// <summary>The thread-pool helpers now working for this team (at most the threads of the last call, less one).</summary>
    public int Helpers => Volatile.Read(ref _helpers);

    /// <summary>Starts a call: enough helpers to make <paramref name="threads"/> with this one.</summary>
    public void Begin(float[] arena, int threads)
    {
        _arena = arena;
        _open = true;
        while (true)
        {
            int helpers = Volatile.Read(ref _helpers);
            if (helpers >= threads - 1)
            {
                break;
            }

            if (Interlocked.CompareExchange(ref _helpers, helpers + 1, helpers) == helpers)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
    }

    /// <summary>Runs the <paramref name="parts"/> parts of parallel layer <paramref name="layer"/> and returns when all are done.</summary>
    public void Run(int layer, int parts)
    {
        long run = (Volatile.Read(ref _state) >> 32) + 1;
        int slot = (int)(run & 1);
        _layers[slot] = layer;
        _parts[slot] = parts;
        Volatile.Write(ref _pending, parts);
        Volatile.Write(ref _state, run << 32);
        while (TryRunPart())
        {
        }

        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Ends a call; the helpers leave once no call has come for a little while.</summary>
    public void End()
    {
        Volatile.Write(ref _closedAt, Stopwatch.GetTimestamp());
        _open = false;
    }

    /// <summary>A helper's loop on a thread-pool thread.</summary>
    public void Execute()
    {
        var spin = new SpinWait();
        while (true)
        {
            if (TryRunPart())
            {
                spin = default;
                continue;
            }

            if (_open)
            {
                // Between layers of a call: the next parts come within microseconds.
                Thread.SpinWait(4);
                continue;
            }

            if (Stopwatch.GetElapsedTime(Volatile.Read(ref _closedAt)) > Linger)
            {
                break;
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }

        Interlocked.Decrement(ref _helpers);
    }

    /// <summary>Claims and runs one part of the current layer; false when none is left.</summary>
    private bool TryRunPart()
    {
        long state = Volatile.Read(ref _state);
        int slot = (int)((state >> 32) & 1);
        int part = (int)(state & 0xFFFFFFFF);
        if (part >= Volatile.Read(ref _parts[slot]))
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
        {
            _runPart(_layers[slot], part, _arena);
            Interlocked.Decrement(ref _pending);
        }

        return true;
    }
}
