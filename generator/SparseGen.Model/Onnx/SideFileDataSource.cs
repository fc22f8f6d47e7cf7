using System;
using System.Globalization;
using System.IO;

namespace SparseGen.Model.Onnx;

/// <summary>
/// Reads side files from the model's folder, as PyTorch's exporter writes them. A location must be a
/// plain relative path inside that folder: a model cannot make the reader open files elsewhere. The
/// file system is reached only through the opener, so the source generator supplies its own.
/// </summary>
public sealed class SideFileDataSource : IExternalDataSource
{
    private readonly string _directory;
    private readonly Func<string, Stream?> _open;

    /// <param name="directory">The model's folder.</param>
    /// <param name="open">Opens a file for reading, or returns null when it does not exist.</param>
    public SideFileDataSource(string directory, Func<string, Stream?> open)
    {
        _directory = Path.GetFullPath(directory);
        _open = open;
    }

    public byte[] Read(string location, long offset, long length, string tensorName)
    {
        var path = Path.GetFullPath(Path.Combine(_directory, location));
        var root = _directory.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal)
            ? _directory
            : _directory + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(location) || !path.StartsWith(root, StringComparison.Ordinal))
        {
            throw new ModelException(
                ModelErrorCode.ExternalData,
                $"initializer '{tensorName}' names the side file '{location}', which is outside the model's folder",
                tensorName,
                "External data must sit next to the model file; export it again with a relative location.");
        }

        using var stream = _open(path);
        if (stream is null)
        {
            throw new ModelException(
                ModelErrorCode.ExternalData,
                $"initializer '{tensorName}' is stored in '{location}', which does not exist next to the model",
                tensorName,
                $"Copy '{location}' into the model's folder ({_directory}) together with the .onnx file.");
        }

        if (length < 0)
        {
            length = stream.Length - offset;
        }

        var maxBytes = ModelLimits.MaxTensorElements * 8;
        if (length > maxBytes)
        {
            throw new ModelException(
                ModelErrorCode.LimitExceeded,
                string.Format(CultureInfo.InvariantCulture, "initializer '{0}' would read {1:N0} bytes of '{2}', above the limit of {3:N0} (ModelLimits.MaxTensorElements)", tensorName, length, location, maxBytes),
                tensorName,
                "Models compiled into code must be far smaller.");
        }

        if (offset < 0 || offset > stream.Length || length > stream.Length - offset)
        {
            throw new ModelException(
                ModelErrorCode.ExternalData,
                FormattableString.Invariant($"initializer '{tensorName}' asks for {length:N0} bytes at offset {offset:N0} of '{location}', which has only {stream.Length:N0}"),
                tensorName,
                "The side file is truncated or belongs to another export; export the model again.");
        }

        var bytes = new byte[length];
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
