using System;
using System.IO;
using System.Linq;
using SparseGen.Pruning.Data;

namespace SparseGen.Pruning.Tests.Data;

public sealed class FashionMnistTests
{
    [Fact]
    public void LoadsTheTestSplitFromAGivenFolder()
    {
        using var files = WriteTinyDataset(gzip: true);

        var test = FashionMnist.test(files.Directory);

        Assert.Equal(2, test.Count);
        Assert.Equal((2, 3), (test.Height, test.Width));
        Assert.Equal(new byte[] { 7, 1 }, test.Labels);
    }

    [Fact]
    public void ReadsUncompressedFilesToo()
    {
        using var files = WriteTinyDataset(gzip: false);

        Assert.Equal(2, FashionMnist.train(files.Directory).Count);
    }

    [Fact]
    public void BatchNormalisesPixelsAsXEqualsPixelTimesScaleMinusMeanOverStd()
    {
        using var files = WriteTinyDataset(gzip: true);
        var test = FashionMnist.test(files.Directory);

        var (images, labels) = test.batch(1, 1, scale: 1f / 255f, mean: 0.5f, std: 0.25f);

        Assert.Equal(new long[] { 1, 1, 2, 3 }, images.shape);
        Assert.Equal((255 / 255f - 0.5f) / 0.25f, images[0, 0, 0, 0].item<float>(), 6);
        Assert.Equal(1L, labels[0].item<long>());
    }

    [Fact]
    public void DirectoryArgumentWinsOverTheEnvironmentVariableWhichWinsOverTheDefault()
    {
        var saved = Environment.GetEnvironmentVariable(FashionMnist.DirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(FashionMnist.DirectoryVariable, null);
            Assert.Equal("/usr/share/datasets/fashion-mnist", FashionMnist.ResolveDirectory());

            Environment.SetEnvironmentVariable(FashionMnist.DirectoryVariable, "/data/fmnist");
            Assert.Equal("/data/fmnist", FashionMnist.ResolveDirectory());
            Assert.Equal("/elsewhere", FashionMnist.ResolveDirectory("/elsewhere"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(FashionMnist.DirectoryVariable, saved);
        }
    }

    [Fact]
    public void MissingDataSaysHowToGetIt()
    {
        using var files = new IdxFiles();

        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.train(files.Directory));

        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message, StringComparison.Ordinal);
        Assert.Contains(FashionMnist.DirectoryVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains(files.Directory, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesAndLabelsOfDifferentCountsAreRejected()
    {
        using var files = new IdxFiles();
        files.Write("t10k-images-idx3-ubyte", IdxFiles.Encode(new[] { 2, 1, 1 }, new byte[] { 1, 2 }));
        files.Write("t10k-labels-idx1-ubyte", IdxFiles.Encode(new[] { 3 }, new byte[] { 1, 2, 3 }));

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.test(files.Directory));

        Assert.Contains("do not match", error.Message, StringComparison.Ordinal);
    }

    private static IdxFiles WriteTinyDataset(bool gzip)
    {
        var files = new IdxFiles();
        var pixels = Enumerable.Range(0, 2 * 2 * 3).Select(i => (byte)(i < 6 ? i : 255)).ToArray();
        foreach (var prefix in new[] { "train", "t10k" })
        {
            var images = IdxFiles.Encode(new[] { 2, 2, 3 }, pixels);
            var labels = IdxFiles.Encode(new[] { 2 }, new byte[] { 7, 1 });
            var suffix = gzip ? ".gz" : "";
            files.Write(prefix + "-images-idx3-ubyte" + suffix, gzip ? IdxFiles.Gzip(images) : images);
            files.Write(prefix + "-labels-idx1-ubyte" + suffix, gzip ? IdxFiles.Gzip(labels) : labels);
        }

        return files;
    }
}
