using System.IO;
using SparseGen.Model;
using SparseGen.Model.Graph;

namespace SparseGen.Cli;

/// <summary>Loads a model for a command, printing a model error the way compilers print theirs.</summary>
internal static class ModelFile
{
    public static ModelGraph? Load(FileInfo file, TextWriter stderr)
    {
        if (!file.Exists)
        {
            stderr.WriteLine($"error: model file '{file.FullName}' does not exist.");
            return null;
        }

        var result = ModelLoader.LoadFile(file.FullName);
        if (result.Graph is null)
        {
            stderr.WriteLine($"{file.Name}: error {result.Error}");
        }

        return result.Graph;
    }
}
