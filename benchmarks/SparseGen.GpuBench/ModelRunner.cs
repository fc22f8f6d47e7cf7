using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;

namespace SparseGen.GpuBench;

/// <summary>One batch size's throughput: median seconds per pass over the repetitions.</summary>
internal sealed record Throughput(int Batch, double MedianSeconds, double SamplesPerSecond, float MaxAbsDiff);

/// <summary>Everything measured on one model.</summary>
internal sealed record ModelResult(
    string Model,
    long SparseMacs,
    long DenseMacs,
    double LoadMilliseconds,
    float MaxAbsDiff,
    bool ArgmaxAgrees,
    double LatencyMicroseconds,
    double HostLatencyMicroseconds,
    IReadOnlyList<Throughput> Throughputs)
{
    /// <summary>The GPU agrees with the CPU code: max abs diff ≤ 1e-4 on every check and identical argmax.</summary>
    public bool Agrees => ArgmaxAgrees && MaxAbsDiff <= 1e-4f && Throughputs.All(t => t.MaxAbsDiff <= 1e-4f);
}

/// <summary>Checks and times one model on one accelerator. Every timing synchronises the stream, warm-up first, median of repetitions.</summary>
internal sealed class ModelRunner
{
    private const int CheckedSamples = 64;
    private readonly BenchModel _model;
    private readonly Accelerator _accelerator;
    private readonly BenchOptions _options;

    public ModelRunner(BenchModel model, Accelerator accelerator, BenchOptions options)
    {
        _model = model;
        _accelerator = accelerator;
        _options = options;
    }

    public ModelResult Run()
    {
        var load = Stopwatch.StartNew();
        using var gpu = _model.CreateGpu(_accelerator);
        load.Stop();
        Console.WriteLine($"{_model.Name}: kernels loaded in {load.Elapsed.TotalMilliseconds:F0} ms");

        var largest = Math.Max(CheckedSamples, _options.Batches.DefaultIfEmpty(1).Max());
        var inputs = Inputs(largest);
        var checkedCount = Math.Min(CheckedSamples, largest);
        var expected = new float[checkedCount * _model.OutputLength];
        _model.PredictBatch(inputs.AsSpan(0, checkedCount * _model.InputLength), expected, checkedCount);
        var actual = new float[expected.Length];
        gpu.Predict(inputs.AsSpan(0, checkedCount * _model.InputLength), actual, checkedCount);
        var diff = MaxAbsDiff(expected, actual);
        var argmax = Enumerable.Range(0, checkedCount).All(s => Argmax(expected, s) == Argmax(actual, s));
        Console.WriteLine($"{_model.Name}: GPU vs CPU on {checkedCount} samples: max abs diff {diff:G3}, argmax {(argmax ? "identical" : "DIFFERS")}");

        using var deviceInputs = _accelerator.Allocate1D<float>((long)largest * _model.InputLength);
        using var deviceOutputs = _accelerator.Allocate1D<float>((long)largest * _model.OutputLength);
        deviceInputs.CopyFromCPU(inputs);
        ArrayView<float> inputView = deviceInputs.View;
        ArrayView<float> outputView = deviceOutputs.View;

        var one = inputView.SubView(0, _model.InputLength);
        var oneOut = outputView.SubView(0, _model.OutputLength);
        var latencyReps = _options.Repetitions * 10;
        var latency = Median(latencyReps, () => gpu.Predict(one, oneOut, 1));
        var hostOutput = new float[_model.OutputLength];
        var hostLatency = Median(latencyReps, () => gpu.Predict(inputs.AsSpan(0, _model.InputLength), hostOutput, 1));
        Console.WriteLine($"{_model.Name}: batch 1: {latency * 1e6:F1} µs on device buffers, {hostLatency * 1e6:F1} µs host to host");

        var throughputs = new List<Throughput>();
        foreach (var batch in _options.Batches)
        {
            var input = inputView.SubView(0, (long)batch * _model.InputLength);
            var output = outputView.SubView(0, (long)batch * _model.OutputLength);
            var seconds = Median(_options.Repetitions, () => gpu.Predict(input, output, batch));
            var head = new float[Math.Min(batch, CheckedSamples) * _model.OutputLength];
            output.SubView(0, head.Length).CopyToCPU(head);
            var headDiff = MaxAbsDiff(expected.AsSpan(0, head.Length), head);
            throughputs.Add(new Throughput(batch, seconds, batch / seconds, headDiff));
            Console.WriteLine($"{_model.Name}: batch {batch}: {seconds * 1e3:F3} ms, {batch / seconds:N0} samples/s (first samples' max abs diff vs CPU {headDiff:G3})");
        }

        return new ModelResult(_model.Name, _model.SparseMacs, _model.DenseMacs, load.Elapsed.TotalMilliseconds, diff, argmax, latency * 1e6, hostLatency * 1e6, throughputs);
    }

    private double Median(int repetitions, Action pass)
    {
        // Warm-up: kernels compiled and loaded, arena grown to this batch.
        for (var i = 0; i < 3; i++)
        {
            pass();
            _accelerator.Synchronize();
        }

        var times = new double[repetitions];
        for (var i = 0; i < repetitions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            pass();
            _accelerator.Synchronize();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(times);
        return times.Length % 2 == 1 ? times[times.Length / 2] : (times[(times.Length / 2) - 1] + times[times.Length / 2]) / 2;
    }

    private float[] Inputs(int batch)
    {
        var random = new Random(42);
        var values = new float[(long)batch * _model.InputLength];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle();
        }

        return values;
    }

    private int Argmax(float[] outputs, int sample)
    {
        var row = outputs.AsSpan(sample * _model.OutputLength, _model.OutputLength);
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static float MaxAbsDiff(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        var worst = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs(expected[i] - actual[i]);
            worst = float.IsNaN(diff) ? float.PositiveInfinity : Math.Max(worst, diff);
        }

        return worst;
    }
}
