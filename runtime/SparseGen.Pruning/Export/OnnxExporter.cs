using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SparseGen.Model.Onnx;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Export;

/// <summary>
/// Writes a TorchSharp model as an ONNX file (opset 17): the frozen, eval-mode network with its weights as
/// they are, so pruned weights are exact zeros. The input is <c>input</c> [batch, C, H, W] with a symbolic
/// batch, the output <c>logits</c>. The model is a tree of Sequentials over Conv2d (grouped too), Linear,
/// ReLU, ReLU6, Sigmoid, Tanh, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1), Flatten, BatchNorm1d/2d,
/// Dropout, Softmax, Identity and <see cref="Modules.ResidualBlock"/>; anything else is an
/// <see cref="UnsupportedModuleException"/> naming the module.
/// </summary>
/// <example>
/// <code>
/// OnnxExporter.Export(model, "model.onnx", new ExportOptions(1, 28, 28)
/// {
///     PruningMethod = "global_unstructured_l1",
///     TargetSparsity = 0.9,
///     Accuracy = 0.915,
///     Preprocessing = InputPreprocessing.Standardised(0.2860f, 0.3530f),
/// });
/// </code>
/// </example>
public static partial class OnnxExporter
{
    public const int Opset = 17;
    public const string InputName = "input";
    public const string OutputName = "logits";

    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    public static void Export(nn.Module<Tensor, Tensor> model, string path, ExportOptions options) =>
        File.WriteAllBytes(path, ToBytes(model, options));

    /// <summary>The model as ONNX bytes.</summary>
    public static byte[] ToBytes(nn.Module<Tensor, Tensor> model, ExportOptions options) =>
        OnnxWriter.Write(ToModel(model, options));

    /// <summary>The model as an ONNX model proto, for callers that add to it before writing.</summary>
    public static OnnxModelProto ToModel(nn.Module<Tensor, Tensor> model, ExportOptions options)
    {
        options.Preprocessing.Validate(options.InputChannels);
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var builder = new OnnxModelBuilder(Opset, "SparseGen.Pruning");
            builder.Input(InputName, OnnxDimension.Symbol("batch"), OnnxDimension.Of(options.InputChannels), OnnxDimension.Of(options.InputHeight), OnnxDimension.Of(options.InputWidth));

            var translator = new ModuleTranslator(builder);
            var sample = zeros(1, options.InputChannels, options.InputHeight, options.InputWidth);
            var output = translator.Translate(model, "", new Value(InputName, sample));
            translator.NameGraphOutput(output, OutputName);
            builder.Output(OutputName, new[] { OnnxDimension.Symbol("batch") }.Concat(output.Sample.shape.Skip(1).Select(OnnxDimension.Of)).ToArray());

            WriteMetadata(builder, options, translator.WeightCount, translator.ZeroWeightCount);
            return builder.Build();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static void WriteMetadata(OnnxModelBuilder builder, ExportOptions options, long weights, long zeroWeights)
    {
        var achieved = options.AchievedSparsity ?? (weights == 0 ? 0 : (double)zeroWeights / weights);
        builder.Metadata("sparsegen.pruning.method", options.PruningMethod);
        if (options.TargetSparsity is { } target)
        {
            builder.Metadata("sparsegen.sparsity.target", Format(target));
        }

        builder.Metadata("sparsegen.sparsity.achieved", Format(achieved));
        if (options.Accuracy is { } accuracy)
        {
            builder.Metadata("sparsegen.accuracy", Format(accuracy));
        }

        var preprocessing = options.Preprocessing;
        builder.Metadata("sparsegen.input.scale", Format(preprocessing.Scale));
        builder.Metadata("sparsegen.input.mean", string.Join(",", preprocessing.Mean.Select(Format)));
        builder.Metadata("sparsegen.input.std", string.Join(",", preprocessing.Std.Select(Format)));
        foreach (KeyValuePair<string, string> entry in options.ExtraMetadata)
        {
            builder.Metadata(entry.Key, entry.Value);
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
