using System;
using System.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionMnist.Train;

/// <summary>Mini-batch training with Adam and cross-entropy, and test-set accuracy.</summary>
internal sealed class Trainer
{
    private readonly Dataset _train;
    private readonly Dataset _test;
    private readonly Generator _generator;

    public Trainer(Dataset train, Dataset test, long seed)
    {
        _train = train;
        _test = test;
        _generator = new Generator().manual_seed(seed);
    }

    public int BatchSize { get; init; } = 64;

    /// <summary>Optimiser steps in one epoch.</summary>
    public long StepsPerEpoch => (_train.Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// Trains <paramref name="model"/> for one epoch. <paramref name="beforeStep"/> runs before every step with
    /// the global step number (where a schedule prunes); <paramref name="step"/> replaces <c>optimizer.step()</c>
    /// (with <c>prune.step</c>, so pruned weights stay zero).
    /// </summary>
    public double TrainEpoch(Sequential model, optim.Optimizer optimizer, string label, Action<optim.Optimizer>? step = null, Action<long>? beforeStep = null, long firstStep = 0)
    {
        model.train();
        double lossSum = 0;
        long batches = 0;
        long correct = 0;
        long seen = 0;
        var progress = new Progress(label, StepsPerEpoch);
        foreach (var (images, labels) in _train.Shuffled(BatchSize, _generator))
        {
            using var scope = NewDisposeScope();
            beforeStep?.Invoke(firstStep + batches);
            optimizer.zero_grad();
            var output = model.forward(images);
            var loss = nn.functional.cross_entropy(output, labels);
            loss.backward();
            if (step is null)
            {
                optimizer.step();
            }
            else
            {
                step(optimizer);
            }

            lossSum += loss.item<float>();
            correct += output.argmax(1).eq(labels).sum().item<long>();
            seen += labels.shape[0];
            batches++;
            progress.Report(batches, lossSum / batches, (double)correct / seen);
        }

        progress.Finish(string.Empty);
        return lossSum / batches;
    }

    /// <summary>The fraction of test images classified correctly.</summary>
    public double Accuracy(Sequential model)
    {
        model.eval();
        using var noGrad = no_grad();
        long correct = 0;
        for (long start = 0; start < _test.Count; start += 1000)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(1000, _test.Count - start);
            var predicted = model.forward(_test.Images.narrow(0, start, count)).argmax(1);
            correct += predicted.eq(_test.Labels.narrow(0, start, count)).sum().item<long>();
        }

        return (double)correct / _test.Count;
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs with Adam at <paramref name="learningRate"/>, divided by 10 for
    /// the last <paramref name="slowEpochs"/>, printing loss, test accuracy and time after each; returns the final accuracy.
    /// </summary>
    public double Fit(Sequential model, int epochs, string label, double learningRate, int slowEpochs, Action<optim.Optimizer>? step = null, Action<long>? beforeStep = null)
    {
        var optimizer = optim.Adam(model.parameters(), learningRate);
        var accuracy = 0.0;
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            if (epoch == epochs - slowEpochs + 1)
            {
                optimizer = optim.Adam(model.parameters(), learningRate / 10);
            }

            var clock = Stopwatch.StartNew();
            var loss = TrainEpoch(model, optimizer, $"{label} {epoch}/{epochs}", step, beforeStep, (epoch - 1) * StepsPerEpoch);
            accuracy = Accuracy(model);
            Console.WriteLine($"{label} epoch {epoch}/{epochs}: loss {loss:F4}, test accuracy {accuracy:P2}, {clock.Elapsed.TotalSeconds:F0} s");
        }

        return accuracy;
    }
}
