using System;
using System.ComponentModel;
using System.Threading;

namespace SparseGen.Kernels;

/// <summary>Runs samples <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 of a batch on this thread, with this thread's arena.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void SampleGroupRunner(float[] inputs, float[] outputs, int first, int count);

/// <summary>
/// PredictBatch's worker: groups of samples are taken one at a time from a shared counter by the calling thread and by
/// thread-pool threads running this same object. One job per calling thread and model, reused, so a call allocates
/// nothing once warm (no closures, no Parallel.For state). For generated code: not a stable API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BatchJob : IThreadPoolWorkItem
{
    private readonly SampleGroupRunner _runGroup;
    private readonly object _gate = new();
    private float[] _inputs = Array.Empty<float>();
    private float[] _outputs = Array.Empty<float>();
    private int _batch;
    private int _groupSize;
    private int _groups;
    private int _next;
    private int _pending;

    /// <param name="runGroup">Runs one group of samples: the model's <c>RunGroup</c> with the running thread's arena.</param>
    public BatchJob(SampleGroupRunner runGroup) => _runGroup = runGroup;

    /// <summary>Runs every sample, in groups of <paramref name="groupSize"/>, on <paramref name="workers"/> threads, this one included, and returns when all are done.</summary>
    public void Run(float[] inputs, float[] outputs, int batch, int groupSize, int workers)
    {
        _inputs = inputs;
        _outputs = outputs;
        _batch = batch;
        _groupSize = groupSize;
        _groups = (batch + groupSize - 1) / groupSize;
        _next = 0;
        Volatile.Write(ref _pending, workers);
        for (int worker = 1; worker < workers; worker++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        Execute();
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) != 0 && !spin.NextSpinWillYield)
        {
            spin.SpinOnce();
        }

        // Monitor waits allocate nothing on the managed heap (an event's lazy lock object would).
        lock (_gate)
        {
            while (Volatile.Read(ref _pending) != 0)
            {
                Monitor.Wait(_gate);
            }
        }

        _inputs = _outputs = Array.Empty<float>();
    }

    /// <summary>A worker's loop: groups until none is left.</summary>
    public void Execute()
    {
        int group;
        while ((group = Interlocked.Increment(ref _next) - 1) < _groups)
        {
            int first = group * _groupSize;
            _runGroup(_inputs, _outputs, first, Math.Min(_groupSize, _batch - first));
        }

        if (Interlocked.Decrement(ref _pending) == 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }
}
