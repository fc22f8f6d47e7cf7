using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace FashionMnist.Train;

/// <summary>The accuracy of an exported file as ONNX Runtime computes it: what a consumer of the file will see.</summary>
internal static class OnnxRuntimeAccuracy
{
    public static double Measure(string modelPath, Dataset test)
    {
        using var session = new InferenceSession(modelPath);
        var inputName = session.InputMetadata.Keys.Single();
        var images = test.Images.data<float>().ToArray();
        var labels = test.Labels.data<long>().ToArray();
        const int batch = 1000;
        var imageLength = (int)(test.Images.numel() / test.Count);
        long correct = 0;
        for (var start = 0; start < labels.Length; start += batch)
        {
            var count = Math.Min(batch, labels.Length - start);
            var input = new DenseTensor<float>(images.AsMemory(start * imageLength, count * imageLength), new[] { count, 1, 28, 28 });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, input) });
            var logits = results.Single().AsEnumerable<float>().ToArray();
            var classes = logits.Length / count;
            for (var i = 0; i < count; i++)
            {
                var row = logits.AsSpan(i * classes, classes);
                var best = 0;
                for (var c = 1; c < classes; c++)
                {
                    if (row[c] > row[best])
                    {
                        best = c;
                    }
                }

                if (best == labels[start + i])
                {
                    correct++;
                }
            }
        }

        return (double)correct / labels.Length;
    }
}
