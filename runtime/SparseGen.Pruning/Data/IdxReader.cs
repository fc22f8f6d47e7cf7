using System;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace SparseGen.Pruning.Data;

/// <summary>An unsigned-byte IDX array: its dims (e.g. [60000, 28, 28] for images, [60000] for labels) and its values, row-major.</summary>
public sealed class IdxArray
{
    public IdxArray(int[] shape, byte[] data)
    {
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }

    public byte[] Data { get; }
}

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (LeCun's): a big-endian header <c>00 00 type rank</c>,
/// one big-endian int32 per dimension, then the values. Gzip-compressed files (<c>.gz</c>, as the datasets
/// ship) are recognised by their magic bytes and decompressed on the fly. Only unsigned bytes (type 0x08),
/// the type both datasets use, are read.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;
    private const int MaxRank = 4;

    /// <summary>Reads the file at <paramref name="path"/>, gzip-compressed or raw.</summary>
    public static IdxArray Read(string path)
    {
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads an IDX array from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static IdxArray Read(Stream stream, string source)
    {
        // The files are tens of megabytes at most: reading them whole makes the gzip check a look at two bytes.
        using var whole = new MemoryStream();
        stream.CopyTo(whole);
        var bytes = whole.ToArray();
        var isGzip = bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
        using var content = isGzip ? new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress) : (Stream)new MemoryStream(bytes);
        try
        {
            return ReadContent(content, source);
        }
        catch (InvalidDataException e) when (isGzip && e.Message.IndexOf(source, StringComparison.Ordinal) < 0)
        {
            throw new InvalidDataException($"'{source}' is not a valid gzip file ({e.Message}); download it again", e);
        }
    }

    private static IdxArray ReadContent(Stream content, string source)
    {
        var header = new byte[4];
        if (ReadUpTo(content, header, 0, 4) < 4)
        {
            throw new InvalidDataException($"'{source}' is truncated: it ends inside the 4-byte IDX header");
        }

        if (header[0] != 0 || header[1] != 0)
        {
            throw new InvalidDataException(
                $"'{source}' is not an IDX file: it starts with {Hex(header)}, where an IDX file starts with 00 00, a type byte and a rank");
        }

        if (header[2] != UnsignedByteType)
        {
            throw new InvalidDataException($"'{source}' holds IDX type 0x{header[2]:X2}; only unsigned bytes (0x08), as MNIST and Fashion-MNIST use, are supported");
        }

        int rank = header[3];
        if (rank is 0 or > MaxRank)
        {
            throw new InvalidDataException($"'{source}' declares {rank} dimensions; IDX image and label files have 1 to {MaxRank}");
        }

        var dimsBytes = new byte[rank * 4];
        if (ReadUpTo(content, dimsBytes, 0, dimsBytes.Length) < dimsBytes.Length)
        {
            throw new InvalidDataException($"'{source}' is truncated: it ends inside the dimension sizes of its header");
        }

        var shape = new int[rank];
        long count = 1;
        for (var axis = 0; axis < rank; axis++)
        {
            shape[axis] = (dimsBytes[axis * 4] << 24) | (dimsBytes[axis * 4 + 1] << 16) | (dimsBytes[axis * 4 + 2] << 8) | dimsBytes[axis * 4 + 3];
            if (shape[axis] < 0)
            {
                throw new InvalidDataException($"'{source}' declares a negative dimension size");
            }

            count *= shape[axis];
            if (count > int.MaxValue)
            {
                throw new InvalidDataException($"'{source}' declares [{string.Join(", ", shape.Take(axis + 1))}...], more values than fit in one array");
            }
        }

        var data = new byte[count];
        var read = ReadUpTo(content, data, 0, data.Length);
        if (read < data.Length)
        {
            throw new InvalidDataException(
                $"'{source}' is truncated: its header declares [{string.Join(", ", shape)}] = {count} values but only {read} follow; download it again");
        }

        return new IdxArray(shape, data);
    }

    private static int ReadUpTo(Stream stream, byte[] buffer, int offset, int count)
    {
        var total = 0;
        while (total < count)
        {
            var read = stream.Read(buffer, offset + total, count - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static string Hex(byte[] bytes) => string.Join(" ", bytes.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}
