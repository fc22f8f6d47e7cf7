using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using FashionMnist;
using Microsoft.ML.OnnxRuntime;

// Classifies the 10,000 Fashion-MNIST test images with code the SparseGen generator compiled from the
// model file at build time, and checks every answer against ONNX Runtime running the same file.

const string Usage = """
    Classifies Fashion-MNIST's 10,000 test images with FashionNet, the code SparseGen compiled from
    model/fashion_cnn_mac_aware90.onnx at build time, and checks every answer against ONNX Runtime on the same file.

    Usage: FashionMnist [--data DIR]

      --data DIR   the folder holding t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz. Without it: the folder
                   SPARSEGEN_FASHION_MNIST names, then the copy shipped beside the program, then Debian's
                   dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
      -h, --help   show this text.

    Exit codes: 0 every prediction equals ONNX Runtime's, 1 some differ, 2 bad arguments or no data.
    """;

if (args is ["-h"] or ["--help"] or ["-?"])
{
    Console.WriteLine(Usage);
    return 0;
}

if (args.Length > 0 && args is not ["--data", _])
{
    Console.Error.WriteLine($"error: unexpected arguments '{string.Join(" ", args)}'.");
    Console.Error.WriteLine(Usage);
    return 2;
}

var dataFolder = FindData(args.Length == 2 ? args[1] : null, out var dataError);
if (dataFolder is null)
{
    Console.Error.WriteLine("error: " + dataError);
    return 2;
}

var (pixels, count, rows, columns) = IdxReader.ReadImages(Path.Combine(dataFolder, "t10k-images-idx3-ubyte.gz"));
var labels = IdxReader.ReadLabels(Path.Combine(dataFolder, "t10k-labels-idx1-ubyte.gz"));
if (rows * columns != FashionNet.InputLength)
{
    Console.Error.WriteLine($"The images are {rows}×{columns}, but the model takes {FashionNet.InputLength} values.");
    return 2;
}

// The model was trained on pixels scaled to [0, 1] and normalised with Fashion-MNIST's mean and std.
const float Mean = 0.2860f, Std = 0.3530f;
var images = new float[pixels.Length];
for (var i = 0; i < pixels.Length; i++)
{
    images[i] = (pixels[i] / 255f - Mean) / Std;
}

var logits = new float[count * FashionNet.OutputLength];
FashionNet.Predict(images.AsSpan(0, FashionNet.InputLength), logits.AsSpan(0, FashionNet.OutputLength)); // warm-up

var latency = Stopwatch.StartNew();
for (var i = 0; i < count; i++)
{
    FashionNet.Predict(images.AsSpan(i * FashionNet.InputLength, FashionNet.InputLength), logits.AsSpan(i * FashionNet.OutputLength, FashionNet.OutputLength));
}

latency.Stop();

var batchLogits = new float[logits.Length];
var throughput = Stopwatch.StartNew();
FashionNet.PredictBatch(images, batchLogits, count);
throughput.Stop();

var generated = ArgMax(logits, count);
var correct = generated.Where((predicted, i) => predicted == labels[i]).Count();

var modelPath = Path.Combine(AppContext.BaseDirectory, "model", "fashion_cnn_mac_aware90.onnx");
var reference = RunOnnxRuntime(modelPath, images, count);
var referenceClasses = ArgMax(reference, count);
var agreement = generated.Where((predicted, i) => predicted == referenceClasses[i]).Count();
var referenceCorrect = referenceClasses.Where((predicted, i) => predicted == labels[i]).Count();
var maxDiff = logits.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
var batchDiff = logits.Zip(batchLogits, (a, b) => Math.Abs(a - b)).Max();

var culture = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(culture, $"SparseGen · Fashion-MNIST test set · {count:N0} images · model {Path.GetFileName(modelPath)}"));
Console.WriteLine();
Console.WriteLine($"{"layer",-14} {"op",-8} {"strategy",-17} {"params",10} {"nonzeros",10} {"sparsity",9} {"dense MACs",12} {"kept MACs",12}");
foreach (var layer in FashionNet.Layers)
{
    Console.WriteLine(string.Create(culture, $"{layer.Name,-14} {layer.OpType,-8} {layer.Strategy,-17} {layer.Parameters,10:N0} {layer.NonZeros,10:N0} {layer.Sparsity,9:P1} {layer.DenseMacs,12:N0} {layer.SparseMacs,12:N0}"));
}

Console.WriteLine(string.Create(culture, $"{"total",-14} {"",-8} {"",-17} {FashionNet.Parameters,10:N0} {FashionNet.NonZeros,10:N0} {1 - (double)FashionNet.NonZeros / FashionNet.Parameters,9:P1} {FashionNet.DenseMacs,12:N0} {FashionNet.SparseMacs,12:N0}"));
Console.WriteLine();
Console.WriteLine(string.Create(culture, $"accuracy                  {100.0 * correct / count:F2} % ({correct:N0} of {count:N0})"));
Console.WriteLine(string.Create(culture, $"ONNX Runtime, same file    {100.0 * referenceCorrect / count:F2} % ({referenceCorrect:N0} of {count:N0})"));
Console.WriteLine(string.Create(culture, $"agreement with ONNX Runtime {agreement:N0} of {count:N0} predictions, max |logit difference| {maxDiff:E2}"));
Console.WriteLine(string.Create(culture, $"PredictBatch vs Predict    max |difference| {batchDiff:E2}"));
Console.WriteLine(string.Create(culture, $"latency (Predict, 1 thread) {latency.Elapsed.TotalMilliseconds * 1000 / count:F1} µs per image"));
Console.WriteLine(string.Create(culture, $"throughput (PredictBatch, {Environment.ProcessorCount} cores) {count / throughput.Elapsed.TotalSeconds:N0} images/s"));
Console.WriteLine("(timings here are indicative; benchmarks/ measures them properly)");
return agreement == count && maxDiff <= 1e-4f ? 0 : 1;

static int[] ArgMax(float[] logits, int count)
{
    var classes = new int[count];
    for (var i = 0; i < count; i++)
    {
        var row = logits.AsSpan(i * FashionNet.OutputLength, FashionNet.OutputLength);
        var best = 0;
        for (var c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best])
            {
                best = c;
            }
        }

        classes[i] = best;
    }

    return classes;
}

static float[] RunOnnxRuntime(string modelPath, float[] images, int count)
{
    using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
    using var session = new InferenceSession(modelPath, options);
    var shape = new long[] { count }.Concat(FashionNet.InputShape.ToArray().Select(d => (long)d)).ToArray();
    using var input = OrtValue.CreateTensorValueFromMemory(images, shape);
    using var runOptions = new RunOptions();
    using var results = session.Run(runOptions, new[] { session.InputNames[0] }, new[] { input }, new[] { session.OutputNames[0] });
    return results[0].GetTensorDataAsSpan<float>().ToArray();
}

/// <summary>The folder of the test split, or null with <paramref name="error"/> saying what is missing and what to do.</summary>
static string? FindData(string? given, out string error)
{
    const string Images = "t10k-images-idx3-ubyte.gz", Labels = "t10k-labels-idx1-ubyte.gz";
    static bool Holds(string folder) => File.Exists(Path.Combine(folder, Images)) && File.Exists(Path.Combine(folder, Labels));

    // A folder the user names is the one used, or an error: never silently another.
    if (given is not null)
    {
        error = Directory.Exists(given)
            ? $"the folder '{Path.GetFullPath(given)}' given with --data does not hold {Images} and {Labels}."
            : $"the folder '{Path.GetFullPath(given)}' given with --data does not exist.";
        return Holds(given) ? given : null;
    }

    // SPARSEGEN_FASHION_MNIST, then the test split shipped next to the program, then Debian's package.
    var candidates = new[]
    {
        Environment.GetEnvironmentVariable("SPARSEGEN_FASHION_MNIST"),
        Path.Combine(AppContext.BaseDirectory, "data"),
        "/usr/share/datasets/fashion-mnist",
    };
    error = $"Fashion-MNIST's test split ({Images}, {Labels}) was not found. Pass --data DIR, set SPARSEGEN_FASHION_MNIST, " +
        "or install Debian's dataset-fashion-mnist (files in /usr/share/datasets/fashion-mnist).";
    return candidates.FirstOrDefault(folder => folder is not null && Holds(folder));
}
