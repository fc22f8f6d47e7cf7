using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using SparseGen.Generator.Model;
using SparseGen.Model;
using SparseGen.Model.Onnx;
using SparseGen.Model.Passes;

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

    /// <summary>
    /// Imports a model read by <see cref="Read"/> and applies the exact passes, once per content for every output that
    /// uses it; never throws but for cancellation: a bad model or a bug becomes the loaded model's error.
    /// </summary>
    public static LoadedModel Load(ModelContent content, CancellationToken cancellationToken)
    {
        if (content.ReadError is not null)
        {
            return new LoadedModel(content);
        }

        try
        {
            var loaded = ModelLoader.Load(content.Bytes!, new SideFileDataSource(Path.GetDirectoryName(content.Path) ?? ".", OpenSideFile));
            if (loaded.Graph is not { } imported)
            {
                return new LoadedModel(content, error: loaded.Error);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new LoadedModel(content, GraphOptimizer.Optimize(imported));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (ModelException e)
        {
            return new LoadedModel(content, error: e.Error);
        }
        catch (Exception e)
        {
            return new LoadedModel(content, failure: e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>Side files of external tensor data; the model layer checks that they lie in the model's folder.</summary>
    private static Stream? OpenSideFile(string path) => File.Exists(path) ? File.OpenRead(path) : null;

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
}
#pragma warning restore RS1035
