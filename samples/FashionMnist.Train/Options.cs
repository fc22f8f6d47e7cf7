using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace FashionMnist.Train;

/// <summary>The command line: a recipe name, then <c>--name value</c> pairs.</summary>
internal sealed record Options(string Recipe, string Network, string OutputFolder, string? DataFolder, int Epochs, int FineTuneEpochs, double Sparsity, long Seed, int Threads, int Block)
{
    public const string Usage = """
        usage: dotnet run -c Release --project samples/FashionMnist.Train -- <recipe> [options]

        recipes
          dense      train the dense CNN
          global     global magnitude pruning (L1, all layers) with masked fine-tuning
          mac-aware  MAC-aware global pruning: the target counts multiply-adds, not parameters
          filters    remove the convolutions' filters with the smallest L1 norm, then fine-tune
          filters-zeroed  prune those filters in place (weights and bias zero), fine-tune with masks, export
                     the dense shapes with the zeros (and, beside it, the model with them taken out)

        The pruning recipes start from the dense checkpoint in --out (training it first when missing),
        prune gradually (Zhu & Gupta's cubic schedule) in the first half of the fine-tuning, keep the
        pruned weights at zero with masks, and export <out>/<network>_<recipe><percent>.onnx and .json.

        options
          --network NAME     cnn (the tutorial CNN) or resnet (a small residual network) [cnn]
          --sparsity F       fraction of weights (global), of MACs (mac-aware) or of each convolution's
                             filters (filters, filters-zeroed) to prune [0.9; filters 0.5; filters-zeroed 0.75]
          --epochs N         dense training epochs [8]
          --fine-tune N      pruning and fine-tuning epochs [8]
          --out DIR          where models and checkpoints go [samples/FashionMnist.Train/out]
          --data DIR         Fashion-MNIST IDX folder [$SPARSEGEN_FASHION_MNIST or /usr/share/datasets/fashion-mnist]
          --seed N           random seed [1]
          --threads N        TorchSharp intra-op threads [all cores]
          --block B          mac-aware: prune blocks of B consecutive output channels at one input and kernel
                             position together (16: a 512-bit vector of channels, which the generated code
                             skips whole) [1: single weights]
        """;

    public static Options Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("Name a recipe first.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--option value' at '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        var options = new Options(
            args[0],
            Take(values, "network", "cnn"),
            Take(values, "out", Path.Combine("samples", "FashionMnist.Train", "out")),
            values.Remove("data", out var data) ? data : null,
            int.Parse(Take(values, "epochs", "8"), CultureInfo.InvariantCulture),
            int.Parse(Take(values, "fine-tune", "8"), CultureInfo.InvariantCulture),
            double.Parse(Take(values, "sparsity", args[0] == "filters" ? "0.5" : args[0] == "filters-zeroed" ? "0.75" : "0.9"), CultureInfo.InvariantCulture),
            long.Parse(Take(values, "seed", "1"), CultureInfo.InvariantCulture),
            int.Parse(Take(values, "threads", "0"), CultureInfo.InvariantCulture),
            int.Parse(Take(values, "block", "1"), CultureInfo.InvariantCulture));
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option --{string.Join(", --", values.Keys)}.");
        }

        if (options.Sparsity is <= 0 or >= 1 && options.Recipe != "dense")
        {
            throw new ArgumentException($"--sparsity {options.Sparsity} is not a fraction between 0 and 1.");
        }

        if (options.Block < 1)
        {
            throw new ArgumentException($"--block {options.Block}: a block holds at least one weight (1 prunes single weights, 16 a 512-bit vector of channels).");
        }

        if (options.Block > 1 && options.Recipe != "mac-aware")
        {
            throw new ArgumentException($"--block applies to the mac-aware recipe, not '{options.Recipe}'.");
        }

        return options;
    }

    private static string Take(Dictionary<string, string> values, string name, string fallback) =>
        values.Remove(name, out var value) ? value : fallback;
}
