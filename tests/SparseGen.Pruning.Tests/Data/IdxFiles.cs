using System;
using System.IO;
using System.IO.Compression;

namespace SparseGen.Pruning.Tests.Data;

/// <summary>Writes small IDX files (unsigned bytes) into a temporary folder that goes away with it.</summary>
internal sealed class IdxFiles : IDisposable
{
    public IdxFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "sparsegen-idx-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public static byte[] Encode(int[] shape, byte[] data)
    {
        using var stream = new MemoryStream();
        stream.Write(new byte[] { 0, 0, 0x08, (byte)shape.Length });
        foreach (var size in shape)
        {
            stream.Write(new[] { (byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size });
        }

        stream.Write(data);
        return stream.ToArray();
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    public string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
