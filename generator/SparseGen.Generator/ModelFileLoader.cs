using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using SparseGen.Generator.Model;
using SparseGen.Model;
using SparseGen.Model.Onnx;

namespace SparseGen.Generator;

/// <summary>
/// The generator's only file IO. ONNX is binary and the compiler has no binary additional files:
/// <c>AdditionalText.GetText()</c> would decode it as text (and report CS2015), so models are read by the
/// path the compiler was given, as CsWin32 reads .winmd files. Side files of external tensor data sit
/// next to the model and are read from there.
/// </summary>
#pragma warning disable RS1035 // Do not do file IO in analyzers: see the summary above; this class is the one exception.
internal static class ModelFileLoader
{
    public static ModelContent Read(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return new ModelContent(path, null, "", "the file does not exist");
            }

            if (info.Length > ModelLimits.MaxModelBytes)
            {
                return new ModelContent(path, null, "", $"the file is {info.Length:N0} bytes, above the limit of {ModelLimits.MaxModelBytes:N0}");
            }

            var bytes = File.ReadAllBytes(path);
            return new ModelContent(path, bytes, Sha256(bytes), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new ModelContent(path, null, "", e.Message);
        }
    }

    /// <summary>Parses a model read by <see cref="Read"/>; never throws for a bad model.</summary>
    public static ModelLoadResult Load(ModelContent content) =>
        ModelLoader.Load(content.Bytes!, new SideFiles(Path.GetDirectoryName(content.Path) ?? "."));

    private static string Sha256(byte[] bytes)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(bytes);
        var text = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>External tensor data next to the model; a location outside the model's folder is refused.</summary>
    private sealed class SideFiles : IExternalDataSource
    {
        private readonly string _folder;

        public SideFiles(string folder) => _folder = Path.GetFullPath(folder);

        public byte[] Read(string location, long offset, long length, string tensorName)
        {
            var path = Path.GetFullPath(Path.Combine(_folder, location));
            var root = _folder.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? _folder : _folder + Path.DirectorySeparatorChar;
            if (Path.IsPathRooted(location) || !path.StartsWith(root, StringComparison.Ordinal))
            {
                throw new ModelException(
                    ModelErrorCode.ExternalData,
                    $"initializer '{tensorName}' names the side file '{location}', which is outside the model's folder",
                    tensorName,
                    "External data must sit next to the model file; export it again with a relative location.");
            }

            if (!File.Exists(path))
            {
                throw new ModelException(
                    ModelErrorCode.ExternalData,
                    $"initializer '{tensorName}' is stored in '{location}', which does not exist next to the model",
                    tensorName,
                    $"Copy '{location}' into the model's folder ({_folder}) together with the .onnx file.");
            }

            using var stream = File.OpenRead(path);
            var available = stream.Length - offset;
            var count = length < 0 ? available : length;
            if (offset < 0 || available < 0 || count > available || count > ModelLimits.MaxTensorElements * 8)
            {
                throw new ModelException(
                    ModelErrorCode.ExternalData,
                    $"initializer '{tensorName}' asks for {count:N0} bytes at offset {offset:N0} of '{location}', which has {stream.Length:N0}",
                    tensorName,
                    "The side file is truncated or belongs to another export; export the model again.");
            }

            var bytes = new byte[count];
            stream.Position = offset;
            var read = 0;
            while (read < bytes.Length)
            {
                var n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return bytes;
        }
    }
}
#pragma warning restore RS1035
