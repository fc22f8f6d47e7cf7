using System.IO;

namespace SparseGen.Model.Onnx;

/// <summary>Side files of external tensor data, read from the model's folder on disk.</summary>
public static class DirectoryExternalDataSource
{
    public static IExternalDataSource For(string directory) =>
        new SideFileDataSource(directory, path => File.Exists(path) ? File.OpenRead(path) : null);
}
