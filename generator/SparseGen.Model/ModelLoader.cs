using SparseGen.Model.Graph;
using SparseGen.Model.Onnx;

namespace SparseGen.Model;

/// <summary>The outcome of loading a model: a graph, or the error that explains why there is none.</summary>
public sealed class ModelLoadResult
{
    private ModelLoadResult(ModelGraph? graph, ModelError? error)
    {
        Graph = graph;
        Error = error;
    }

    public ModelGraph? Graph { get; }

    public ModelError? Error { get; }

    public bool Succeeded => Graph is not null;

    internal static ModelLoadResult Success(ModelGraph graph) => new(graph, null);

    internal static ModelLoadResult Failure(ModelError error) => new(null, error);
}

/// <summary>The model layer's front door: ONNX bytes or a file in, a checked graph or a <see cref="ModelError"/> out, never an exception.</summary>
public static partial class ModelLoader
{
    /// <summary>Loads a model from its bytes; <paramref name="externalData"/> is needed only for models with side files.</summary>
    public static ModelLoadResult Load(byte[] bytes, IExternalDataSource? externalData = null)
    {
        try
        {
            return ModelLoadResult.Success(OnnxImporter.Import(OnnxReader.Read(bytes, externalData)));
        }
        catch (ModelException e)
        {
            return ModelLoadResult.Failure(e.Error);
        }
    }
}
