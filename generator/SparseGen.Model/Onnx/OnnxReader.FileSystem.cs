using System.IO;

namespace SparseGen.Model.Onnx;

// File-system access lives in *.FileSystem.cs files, which the source generator does not compile in:
// analyzers must not do file IO, and the generator reads models in one place of its own.
public static partial class OnnxReader
{
    /// <summary>Reads a model file, resolving external tensor data against the file's folder.</summary>
    public static OnnxModelProto ReadFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ModelException(ModelErrorCode.ExternalData, $"model file '{path}' does not exist", hint: "Check the path.");
        }

        if (info.Length > ModelLimits.MaxModelBytes)
        {
            throw TooLarge(info.Length);
        }

        return Read(File.ReadAllBytes(path), DirectoryExternalDataSource.For(info.DirectoryName ?? "."));
    }
}
