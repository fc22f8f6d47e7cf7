using System;
using SparseGen.Pruning.Data;
using static TorchSharp.torch;

namespace FashionMnist.Train;

/// <summary>A split held as one normalised float tensor, served in shuffled mini-batches.</summary>
internal sealed class Dataset : IDisposable
{
    // Fashion-MNIST's training-set statistics, the same the sample and the PyTorch fixture use.
    public const float Mean = 0.2860f;
    public const float Std = 0.3530f;

    private Dataset(Tensor images, Tensor labels)
    {
        Images = images;
        Labels = labels;
    }

    public Tensor Images { get; }

    public Tensor Labels { get; }

    public long Count => Labels.shape[0];

    public static Dataset From(ImageDataset split)
    {
        var (images, labels) = split.batch(0, split.Count, 1f / 255f, Mean, Std);
        return new Dataset(images, labels);
    }

    /// <summary>The mini-batches of one epoch, in an order drawn from <paramref name="generator"/>.</summary>
    public System.Collections.Generic.IEnumerable<(Tensor Images, Tensor Labels)> Shuffled(int batchSize, Generator generator)
    {
        using var order = randperm(Count, generator: generator);
        for (long start = 0; start < Count; start += batchSize)
        {
            using var indices = order.narrow(0, start, Math.Min(batchSize, Count - start));
            yield return (Images.index_select(0, indices), Labels.index_select(0, indices));
        }
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
