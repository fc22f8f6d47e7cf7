using System.IO;
using System.Linq;
using SparseGen.Pruning.Data;

namespace SparseGen.Pruning.Tests.Data;

public sealed class IdxReaderTests
{
    private static readonly byte[] Pixels = Enumerable.Range(0, 2 * 3 * 2).Select(i => (byte)(i * 20)).ToArray();

    [Fact]
    public void ReadsRawImages()
    {
        using var files = new IdxFiles();
        var path = files.Write("images-idx3-ubyte", IdxFiles.Encode(new[] { 2, 3, 2 }, Pixels));

        var array = IdxReader.Read(path);

        Assert.Equal(new[] { 2, 3, 2 }, array.Shape);
        Assert.Equal(Pixels, array.Data);
    }

    [Fact]
    public void ReadsGzipCompressedLabels()
    {
        using var files = new IdxFiles();
        var labels = new byte[] { 9, 0, 3 };
        var path = files.Write("labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Encode(new[] { 3 }, labels)));

        var array = IdxReader.Read(path);

        Assert.Equal(new[] { 3 }, array.Shape);
        Assert.Equal(labels, array.Data);
    }

    [Fact]
    public void TruncatedDataSaysHowManyValuesAreMissing()
    {
        var bytes = IdxFiles.Encode(new[] { 2, 3, 2 }, Pixels);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(new MemoryStream(bytes[..^5]), "images.idx"));

        Assert.Contains("'images.idx' is truncated", error.Message, System.StringComparison.Ordinal);
        Assert.Contains("12 values but only 7 follow", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedGzipIsAClearError()
    {
        var bytes = IdxFiles.Gzip(IdxFiles.Encode(new[] { 2, 3, 2 }, Pixels));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(new MemoryStream(bytes[..(bytes.Length / 2)]), "images.gz"));

        Assert.Contains("'images.gz'", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedHeaderIsAClearError()
    {
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(new MemoryStream(new byte[] { 0, 0, 8, 3, 0, 0 }), "short.idx"));

        Assert.Contains("truncated", error.Message, System.StringComparison.Ordinal);
        Assert.Contains("header", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void BadMagicIsNotAnIdxFile()
    {
        var bytes = IdxFiles.Encode(new[] { 3 }, new byte[] { 1, 2, 3 });
        bytes[0] = 0x50;

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(new MemoryStream(bytes), "labels.idx"));

        Assert.Contains("'labels.idx' is not an IDX file: it starts with 50 00 08 01", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void NonByteElementTypeIsRejected()
    {
        var bytes = IdxFiles.Encode(new[] { 1 }, new byte[] { 0, 0, 0, 1 });
        bytes[2] = 0x0C;

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(new MemoryStream(bytes), "ints.idx"));

        Assert.Contains("type 0x0C", error.Message, System.StringComparison.Ordinal);
    }
}
