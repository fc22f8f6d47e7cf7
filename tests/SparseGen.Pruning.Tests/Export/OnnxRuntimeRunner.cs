using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SparseGen.Pruning.Tests.Export;

/// <summary>Runs an ONNX model's first output with ONNX Runtime: the independent oracle for the exporter.</summary>
internal static class OnnxRuntimeRunner
{
    public static float[] Run(byte[] model, string inputName, float[] input, int[] shape)
    {
        using var session = new InferenceSession(model);
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, shape)) };
        using var results = session.Run(inputs);
        return results[0].AsTensor<float>().ToArray();
    }

    public static IReadOnlyDictionary<string, string> Metadata(byte[] model)
    {
        using var session = new InferenceSession(model);
        return new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap);
    }
}
