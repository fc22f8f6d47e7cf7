using System;
using SparseGen.Model.Onnx;

namespace SparseGen.Benchmarks.BuildCost;

/// <summary>
/// A dense CNN of about one million weights, none zero, for the generator's build cost: the tutorial CNN's
/// layers with the fully connected layer widened to 312 units (3136 × 312 = 978,432 of its weights).
/// </summary>
internal static class SyntheticModel
{
    public const int HiddenUnits = 312;

    public static OnnxModelProto Create()
    {
        var random = new Random(7);
        var builder = new OnnxModelBuilder();
        var batch = OnnxDimension.Symbol("batch");
        builder.Input("input", batch, OnnxDimension.Of(1), OnnxDimension.Of(28), OnnxDimension.Of(28));
        Conv(builder, random, "conv1", "input", "c1", inChannels: 1, outChannels: 32);
        builder.Node("Relu", new[] { "c1" }, new[] { "r1" });
        MaxPool(builder, "r1", "p1");
        Conv(builder, random, "conv2", "p1", "c2", inChannels: 32, outChannels: 64);
        builder.Node("Relu", new[] { "c2" }, new[] { "r2" });
        MaxPool(builder, "r2", "p2");
        builder.Node("Flatten", new[] { "p2" }, new[] { "f" }, OnnxModelBuilder.Attr("axis", 1L));
        Gemm(builder, random, "fc1", "f", "g1", inFeatures: 64 * 7 * 7, outFeatures: HiddenUnits);
        builder.Node("Relu", new[] { "g1" }, new[] { "h" });
        Gemm(builder, random, "fc2", "h", "logits", inFeatures: HiddenUnits, outFeatures: 10);
        builder.Output("logits", batch, OnnxDimension.Of(10));
        return builder.Build();
    }

    private static void Conv(OnnxModelBuilder builder, Random random, string name, string input, string output, int inChannels, int outChannels)
    {
        builder.Initializer(name + ".weight", new[] { outChannels, inChannels, 3, 3 }, Weights(random, outChannels * inChannels * 9, inChannels * 9));
        builder.Initializer(name + ".bias", new[] { outChannels }, Weights(random, outChannels, inChannels * 9));
        builder.Node("Conv", new[] { input, name + ".weight", name + ".bias" }, new[] { output },
            OnnxModelBuilder.Attr("kernel_shape", new long[] { 3, 3 }), OnnxModelBuilder.Attr("pads", new long[] { 1, 1, 1, 1 }));
    }

    private static void MaxPool(OnnxModelBuilder builder, string input, string output) =>
        builder.Node("MaxPool", new[] { input }, new[] { output },
            OnnxModelBuilder.Attr("kernel_shape", new long[] { 2, 2 }), OnnxModelBuilder.Attr("strides", new long[] { 2, 2 }));

    private static void Gemm(OnnxModelBuilder builder, Random random, string name, string input, string output, int inFeatures, int outFeatures)
    {
        builder.Initializer(name + ".weight", new[] { outFeatures, inFeatures }, Weights(random, outFeatures * inFeatures, inFeatures));
        builder.Initializer(name + ".bias", new[] { outFeatures }, Weights(random, outFeatures, inFeatures));
        builder.Node("Gemm", new[] { input, name + ".weight", name + ".bias" }, new[] { output }, OnnxModelBuilder.Attr("transB", 1L));
    }

    /// <summary>Uniform in ±1/√fanIn (as PyTorch initialises), never exactly zero.</summary>
    private static float[] Weights(Random random, int count, int fanIn)
    {
        var bound = 1 / Math.Sqrt(fanIn);
        var weights = new float[count];
        for (var i = 0; i < count; i++)
        {
            var magnitude = (0.05 + 0.95 * random.NextDouble()) * bound;
            weights[i] = (float)(random.Next(2) == 0 ? magnitude : -magnitude);
        }

        return weights;
    }
}
