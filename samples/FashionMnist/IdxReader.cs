using System;
using System.IO;
using System.IO.Compression;

namespace FashionMnist;

/// <summary>Reads the IDX files of MNIST and Fashion-MNIST (big-endian header, gzip-compressed).</summary>
internal static class IdxReader
{
    /// <summary>Images as bytes, row-major [count, rows, columns].</summary>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        using var stream = Open(path);
        var magic = ReadInt32BigEndian(stream);
        if (magic != 0x00000803)
        {
            throw new InvalidDataException($"'{path}' is not an IDX image file (magic 0x{magic:X8}, expected 0x00000803).");
        }

        var count = ReadInt32BigEndian(stream);
        var rows = ReadInt32BigEndian(stream);
        var columns = ReadInt32BigEndian(stream);
        return (ReadExactly(stream, checked(count * rows * columns), path), count, rows, columns);
    }

    public static byte[] ReadLabels(string path)
    {
        using var stream = Open(path);
        var magic = ReadInt32BigEndian(stream);
        if (magic != 0x00000801)
        {
            throw new InvalidDataException($"'{path}' is not an IDX label file (magic 0x{magic:X8}, expected 0x00000801).");
        }

        return ReadExactly(stream, ReadInt32BigEndian(stream), path);
    }

    private static Stream Open(string path) =>
        path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(File.OpenRead(path), CompressionMode.Decompress) : File.OpenRead(path);

    private static int ReadInt32BigEndian(Stream stream)
    {
        Span<byte> bytes = stackalloc byte[4];
        stream.ReadExactly(bytes);
        return bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3];
    }

    private static byte[] ReadExactly(Stream stream, int length, string path)
    {
        var data = new byte[length];
        try
        {
            stream.ReadExactly(data);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' is truncated: it declares {length:N0} bytes of data.");
        }

        return data;
    }
}
