using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace SparseGen.Model.Tests.Infrastructure;

/// <summary>Runs an ONNX model in ONNX Runtime, the reference every SparseGen result is compared with.</summary>
internal static class OnnxRuntimeOracle
{
    /// <summary>
    /// Runs a model with one float input of shape <paramref name="inputShape"/> ([batch, ...]) and
    /// returns its single output, flattened, with all of ONNX Runtime's graph optimisations on.
    /// </summary>
    public static float[] Run(byte[] model, float[] input, int[] inputShape) => RunWithShape(model, input, inputShape).Output;

    /// <summary>As <see cref="Run"/>, with the output's shape.</summary>
    public static (float[] Output, long[] OutputShape) RunWithShape(byte[] model, float[] input, int[] inputShape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(model, options);
        var (inputName, outputName) = SingleInputOutputNames(session);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, inputShape.Select(d => (long)d).ToArray());
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new[] { inputName }, new[] { inputValue }, new[] { outputName });
        var output = results[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    /// <summary>The names of the model's only input and only output; fails when it has more.</summary>
    public static (string Input, string Output) SingleInputOutputNames(byte[] model)
    {
        using var session = new InferenceSession(model);
        return SingleInputOutputNames(session);
    }

    private static (string Input, string Output) SingleInputOutputNames(InferenceSession session)
    {
        if (session.InputNames.Count != 1 || session.OutputNames.Count != 1)
        {
            throw new InvalidOperationException(
                $"the oracle runs models with one input and one output; this one has inputs [{string.Join(", ", session.InputNames)}] and outputs [{string.Join(", ", session.OutputNames)}]");
        }

        return (session.InputNames[0], session.OutputNames[0]);
    }
}
