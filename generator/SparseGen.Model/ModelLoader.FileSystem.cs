using System;
using System.IO;
using SparseGen.Model.Onnx;

namespace SparseGen.Model;

public static partial class ModelLoader
{
    /// <summary>Loads a model file; side files of external data are read from its folder.</summary>
    public static ModelLoadResult LoadFile(string path)
    {
        try
        {
            return ModelLoadResult.Success(OnnxImporter.Import(OnnxReader.ReadFile(path)));
        }
        catch (ModelException e)
        {
            return ModelLoadResult.Failure(e.Error);
        }
        catch (IOException e)
        {
            return ModelLoadResult.Failure(new ModelError(ModelErrorCode.ExternalData, $"cannot read '{path}': {e.Message}", hint: "Check that the file exists and is readable."));
        }
        catch (UnauthorizedAccessException e)
        {
            return ModelLoadResult.Failure(new ModelError(ModelErrorCode.ExternalData, $"cannot read '{path}': {e.Message}", hint: "Check the file's permissions."));
        }
    }
}
