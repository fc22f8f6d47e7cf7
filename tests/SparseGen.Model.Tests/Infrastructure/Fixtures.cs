using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace SparseGen.Model.Tests.Infrastructure;

/// <summary>The model files in the test project's Fixtures folder (see its README), as copied to the output folder.</summary>
internal static class Fixtures
{
    public const string SimpleCnnDense = "simplecnn_dense.onnx";
    public const string ResNetBnPruned80 = "resnet_bn_pruned80.onnx";
    public const string MobileNetishPruned70 = "mobilenetish_pruned70.onnx";
    public const string MobileNetishPruned70Opset10 = "mobilenetish_pruned70_opset10.onnx";
    public const string MlpMixPruned95 = "mlpmix_pruned95.onnx";

    /// <summary>Every .onnx fixture.</summary>
    public static IReadOnlyList<string> OnnxFiles { get; } = new[]
    {
        SimpleCnnDense, ResNetBnPruned80, MobileNetishPruned70, MobileNetishPruned70Opset10, MlpMixPruned95,
    };

    /// <summary>The .onnx fixtures that come with a <c>NAME.io.json</c> of PyTorch's outputs.</summary>
    public static IReadOnlyList<string> FilesWithIo { get; } = new[]
    {
        ResNetBnPruned80, MobileNetishPruned70, MobileNetishPruned70Opset10, MlpMixPruned95,
    };

    /// <summary>For <c>[MemberData]</c>: every .onnx fixture.</summary>
    public static TheoryData<string> OnnxFileData => new(OnnxFiles);

    /// <summary>For <c>[MemberData]</c>: the fixtures with inputs and outputs.</summary>
    public static TheoryData<string> FilesWithIoData => new(FilesWithIo);

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string PathOf(string fileName)
    {
        var path = Path.Combine(Folder, fileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"fixture '{fileName}' is not in {Folder}; is it in tests/SparseGen.Model.Tests/Fixtures?", path);
        }

        return path;
    }

    public static byte[] Bytes(string fileName) => File.ReadAllBytes(PathOf(fileName));

    /// <summary>Loads <c>NAME.io.json</c> for the model <c>NAME.onnx</c> (either name may be given).</summary>
    public static FixtureIo LoadIo(string modelFileName)
    {
        var name = Path.GetFileNameWithoutExtension(modelFileName);
        using var document = JsonDocument.Parse(File.ReadAllBytes(PathOf(name + ".io.json")));
        var root = document.RootElement;
        var io = new FixtureIo(
            Floats(root.GetProperty("inputs")),
            Ints(root.GetProperty("input_shape")),
            Floats(root.GetProperty("outputs")),
            Ints(root.GetProperty("output_shape")));
        if (io.Inputs.Length != io.InputShape.Aggregate(1, (a, b) => a * b) || io.Outputs.Length != io.OutputShape.Aggregate(1, (a, b) => a * b))
        {
            throw new InvalidDataException($"{name}.io.json: the data does not match its shapes");
        }

        return io;
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}

/// <summary>
/// A batch of inputs and PyTorch's outputs for them, flattened row-major; shapes include the batch
/// dimension first.
/// </summary>
internal sealed record FixtureIo(float[] Inputs, int[] InputShape, float[] Outputs, int[] OutputShape)
{
    public int BatchSize => InputShape[0];
}
