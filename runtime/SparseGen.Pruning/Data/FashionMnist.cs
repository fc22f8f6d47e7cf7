using System;
using System.IO;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Data;

/// <summary>One split of an MNIST-style dataset: N grey images of H×W bytes and their labels.</summary>
public sealed class ImageDataset
{
    public ImageDataset(byte[] pixels, byte[] labels, int height, int width)
    {
        if (height <= 0 || width <= 0 || pixels.Length != labels.Length * height * width)
        {
            throw new ArgumentException($"{pixels.Length} pixels are not {labels.Length} images of {height}×{width}");
        }

        Pixels = pixels;
        Labels = labels;
        Height = height;
        Width = width;
    }

    /// <summary>All images' pixels, image after image, row-major, 0 (background) to 255.</summary>
    public byte[] Pixels { get; }

    public byte[] Labels { get; }

    public int Count => Labels.Length;

    public int Height { get; }

    public int Width { get; }

    /// <summary>
    /// Images <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> as a float tensor
    /// [count, 1, H, W] with x = (pixel · scale − mean) / std, and their labels as an int64 tensor [count].
    /// </summary>
    public (Tensor Images, Tensor Labels) batch(int start, int count, float scale = 1f / 255f, float mean = 0f, float std = 1f)
    {
        if (start < 0 || count < 0 || start + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"images {start} to {start + count} of {Count}");
        }

        var imageSize = Height * Width;
        var values = new float[count * imageSize];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (Pixels[start * imageSize + i] * scale - mean) / std;
        }

        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = Labels[start + i];
        }

        return (tensor(values, new long[] { count, 1, Height, Width }), tensor(labels));
    }
}

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of 28×28, ten clothing classes,
/// read from its four IDX files (gzip or raw). The folder is, in order: the <c>directory</c> argument, the
/// <c>SPARSEGEN_FASHION_MNIST</c> environment variable, <c>/usr/share/datasets/fashion-mnist</c> (where the
/// Debian package <c>dataset-fashion-mnist</c> installs it). MNIST's files have the same names and format.
/// </summary>
public static class FashionMnist
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";
    public const string DirectoryVariable = "SPARSEGEN_FASHION_MNIST";

    /// <summary>Fashion-MNIST's class names, by label.</summary>
    public static readonly string[] ClassNames =
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>The folder the data is read from: <paramref name="directory"/>, else the environment variable, else the default.</summary>
    public static string ResolveDirectory(string? directory = null)
    {
        if (!string.IsNullOrEmpty(directory))
        {
            return directory!;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? DefaultDirectory : fromEnvironment!;
    }

    /// <summary>The 60,000 training images.</summary>
    public static ImageDataset train(string? directory = null) => Load("train", directory);

    /// <summary>The 10,000 test images.</summary>
    public static ImageDataset test(string? directory = null) => Load("t10k", directory);

    /// <summary>Loads the split whose files start with <paramref name="prefix"/> (<c>train</c> or <c>t10k</c>).</summary>
    public static ImageDataset Load(string prefix, string? directory = null)
    {
        var folder = ResolveDirectory(directory);
        var images = IdxReader.Read(FindFile(folder, prefix + "-images-idx3-ubyte"));
        var labels = IdxReader.Read(FindFile(folder, prefix + "-labels-idx1-ubyte"));
        if (images.Shape.Length != 3 || labels.Shape.Length != 1 || images.Shape[0] != labels.Shape[0])
        {
            throw new InvalidDataException(
                $"{prefix} images [{string.Join(", ", images.Shape)}] and labels [{string.Join(", ", labels.Shape)}] in '{folder}' do not match: expected [N, H, W] and [N]");
        }

        return new ImageDataset(images.Data, labels.Data, images.Shape[1], images.Shape[2]);
    }

    private static string FindFile(string folder, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(
            $"Fashion-MNIST file '{name}.gz' (or '{name}') is not in '{folder}'. " +
            $"Install the dataset with 'apt-get install dataset-fashion-mnist' (it goes to {DefaultDirectory}), " +
            $"or set {DirectoryVariable} (or pass the directory) to a folder holding train-images-idx3-ubyte.gz, " +
            "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.",
            Path.Combine(folder, name + ".gz"));
    }
}
