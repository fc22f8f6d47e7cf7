using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using SparseGen.Pruning;
using SparseGen.Pruning.Export;
using SparseGen.Pruning.Reports;
using SparseGen.Pruning.Schedules;
using SparseGen.Pruning.Structured;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionMnist.Train;

/// <summary>
/// The recipes: train dense; or start from the dense checkpoint (training it first if there is none), prune
/// by a method, fine-tune with the masks held, then export the frozen model and a JSON report.
/// </summary>
internal sealed class Recipes
{
    private const double LearningRate = 1e-3;
    private const double FineTuneLearningRate = 5e-4;
    private const int SlowEpochs = 2;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly Options _options;
    private readonly Trainer _trainer;
    private readonly Dataset _test;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Recipes(Options options, Trainer trainer, Dataset test)
    {
        _options = options;
        _trainer = trainer;
        _test = test;
        Directory.CreateDirectory(options.OutputFolder);
    }

    private string Name => _options.Network == "cnn" ? "fashion_cnn" : "fashion_resnet";

    public void Run()
    {
        switch (_options.Recipe)
        {
            case "dense":
                var dense = TrainDense();
                Finish(dense, $"{Name}_dense", "none", null, _trainer.Accuracy(dense), _trainer.Accuracy(dense), null);
                break;
            case "global":
            case "mac-aware":
                Unstructured();
                break;
            case "filters":
                Filters();
                break;
            case "filters-zeroed":
                FiltersZeroed();
                break;
            default:
                throw new ArgumentException($"unknown recipe '{_options.Recipe}'");
        }
    }

    private Sequential TrainDense()
    {
        var model = Network.Create(_options.Network);
        _trainer.Fit(model, _options.Epochs, "dense", LearningRate, SlowEpochs);
        model.save(CheckpointPath);
        Console.WriteLine($"saved {CheckpointPath}");
        return model;
    }

    private string CheckpointPath => Path.Combine(_options.OutputFolder, $"{Name}_dense_seed{_options.Seed}.dat");

    /// <summary>The dense model from its checkpoint, or trained now when there is none.</summary>
    private Sequential DenseModel()
    {
        if (!File.Exists(CheckpointPath))
        {
            Console.WriteLine($"no dense checkpoint at {CheckpointPath}: training the dense model first");
            return TrainDense();
        }

        var model = Network.Create(_options.Network);
        model.load(CheckpointPath);
        Console.WriteLine($"loaded the dense model from {CheckpointPath}");
        return model;
    }

    /// <summary>The dense model from its checkpoint and its test accuracy, printed: where every pruning recipe starts.</summary>
    private (Sequential Model, double Accuracy) DenseModelAndAccuracy()
    {
        var model = DenseModel();
        var accuracy = _trainer.Accuracy(model);
        Console.WriteLine($"dense accuracy {accuracy:P2}");
        return (model, accuracy);
    }

    /// <summary>Zhu &amp; Gupta's cubic schedule to --sparsity, pruning every 100 steps through the first half of the fine-tuning.</summary>
    private GradualSchedule GradualToTarget()
    {
        var pruningEpochs = Math.Max(1, _options.FineTuneEpochs / 2);
        return new GradualSchedule(0, _options.Sparsity, Start: 0, End: (int)(pruningEpochs * _trainer.StepsPerEpoch), Frequency: 100);
    }

    /// <summary>
    /// Gradual magnitude pruning (Zhu &amp; Gupta's cubic schedule) during the first half of the fine-tuning,
    /// every 100 steps, by plain global magnitude or MAC-aware (with --block B, in blocks of B output channels at each
    /// layer's MAC-aware share); then fine-tuning at the final sparsity.
    /// </summary>
    private void Unstructured()
    {
        var (model, denseAccuracy) = DenseModelAndAccuracy();
        var schedule = GradualToTarget();
        var macAware = _options.Recipe == "mac-aware";
        var weights = prune.weights_of(model);

        // In blocks, each layer's share comes from the MAC-aware ranking of the dense model at the final sparsity, and
        // the schedule scales it: ranking single weights again at every step would hand a layer the small weights that
        // every kept block holds, and whole blocks would go for them. The first and the last layer keep single weights:
        // the first convolution reads one channel, so a block is one kernel tap of 16 filters, and the classifier has
        // fewer outputs than a block, so a block is an input feature for every class; both hold few of the MACs.
        var shares = _options.Block > 1 ? prune.mac_aware_sparsities(model, _options.Sparsity, Network.SampleShape) : Array.Empty<(nn.Module module, double sparsity)>();
        var blockShares = shares.Select((share, i) => (share.module, share.sparsity, Block: i == 0 || i == shares.Count - 1 ? 1 : _options.Block)).ToList();

        void PruneBlocksOnSchedule(long step)
        {
            if (schedule.PrunesAt((int)step))
            {
                var progress = schedule.SparsityAt((int)step) / _options.Sparsity;
                foreach (var (module, share, block) in blockShares)
                {
                    prune.block_structured(module, "weight", share * progress, block);
                }
            }
        }

        void PruneOnSchedule(long step)
        {
            var amount = schedule.AmountAt((int)step);
            if (amount <= 0)
            {
                return;
            }

            if (macAware)
            {
                prune.global_mac_aware(model, amount, Network.SampleShape);
            }
            else
            {
                prune.global_unstructured(weights, amount);
            }
        }

        var accuracy = _trainer.Fit(model, _options.FineTuneEpochs, _options.Recipe, FineTuneLearningRate, SlowEpochs, optimizer => prune.step(optimizer, model),
            _options.Block > 1 ? PruneBlocksOnSchedule : PruneOnSchedule);
        foreach (var (module, name) in weights)
        {
            prune.remove(module, name);
        }

        var percent = (int)Math.Round(_options.Sparsity * 100);
        var blocks = _options.Block > 1 ? $"_blocks{_options.Block}" : "";
        var method = macAware ? (_options.Block > 1 ? $"mac_aware_allocation_blocks{_options.Block}_l2_gradual" : "global_mac_aware_l1_gradual") : "global_unstructured_l1_gradual";
        Finish(model, $"{Name}_{(macAware ? "mac_aware" : "global")}{percent}{blocks}", method, _options.Sparsity, denseAccuracy, accuracy, null);
    }

    /// <summary>Removes the fraction of each convolution's filters with the smallest L1 norm, then fine-tunes the smaller model.</summary>
    private void Filters()
    {
        var (model, denseAccuracy) = DenseModelAndAccuracy();
        var removal = FilterRemoval.remove_filters_by_l1(model, _options.Sparsity, Network.SampleShape);
        foreach (var layer in removal.Layers)
        {
            Console.WriteLine($"{layer.Layer}: {layer.FiltersBefore} -> {layer.FiltersAfter} filters");
        }

        Console.WriteLine($"MACs per image: {removal.DenseMacs:N0} -> {removal.RemainingMacs:N0}; accuracy before fine-tuning {_trainer.Accuracy(removal.Model):P2}");
        var smaller = removal.Model;
        var accuracy = _trainer.Fit(smaller, _options.FineTuneEpochs, "filters", FineTuneLearningRate, SlowEpochs);
        var percent = (int)Math.Round(_options.Sparsity * 100);
        Finish(smaller, $"{Name}_filters{percent}", "filters_l1_removed", _options.Sparsity, denseAccuracy, accuracy, removal);
    }

    /// <summary>
    /// Prunes the fraction of each convolution's filters with the smallest L1 norm in place (weights and bias, so each
    /// pruned channel is exactly zero after Relu), gradually on the cubic schedule through the first half of the
    /// fine-tuning like the unstructured recipes, with the weights that read a pruned channel masked too; then exports the
    /// model in its dense shapes with the zeros: the file PyTorch's structured pruning would give, which a runtime of dense
    /// kernels runs at the dense model's cost. The same model with the zero channels taken out is exported beside it.
    /// </summary>
    private void FiltersZeroed()
    {
        if (_options.Network != "cnn")
        {
            throw new ArgumentException("filters-zeroed follows the channels of a plain chain of convolutions into the first Linear: use --network cnn");
        }

        var (model, denseAccuracy) = DenseModelAndAccuracy();
        var convs = model.modules().OfType<Conv2d>().ToList();
        var linear = model.modules().OfType<Linear>().First();
        var finalPruned = convs.Select(conv => (long)Math.Round(_options.Sparsity * conv.out_channels, MidpointRounding.ToEven)).ToList();
        if (finalPruned.Zip(convs, (pruned, conv) => pruned >= conv.out_channels).Any(leavesNone => leavesNone))
        {
            throw new ArgumentException($"--sparsity {_options.Sparsity} leaves a convolution no filter: the model would output a constant. Use a smaller fraction.");
        }

        var schedule = GradualToTarget();
        var pruned = new long[convs.Count];

        void PruneOnSchedule(long step)
        {
            if (!schedule.PrunesAt((int)step))
            {
                return;
            }

            var prunedNow = new List<int>();
            for (var i = 0; i < convs.Count; i++)
            {
                // Whole filters: the schedule's fraction of the layer's filters, rounded, never past the final count.
                var target = Math.Min(finalPruned[i], (long)Math.Round(schedule.SparsityAt((int)step) * convs[i].out_channels, MidpointRounding.ToEven));
                if (target > pruned[i])
                {
                    prune.ln_structured(convs[i], "weight", target - pruned[i], 1, 0);
                    prune.bias_with_filters(convs[i]);
                    pruned[i] = target;
                    prunedNow.Add(i);
                }
            }

            // The weights that read a channel pruned now multiply zero: prune them too (after every layer has chosen its
            // filters), so that the file's zeros say what is left.
            foreach (var i in prunedNow)
            {
                var alive = prune.mask_of(convs[i], "bias")!;
                if (i + 1 < convs.Count)
                {
                    prune.custom_from_mask(convs[i + 1], "weight", alive.view(1, -1, 1, 1).expand_as(convs[i + 1].weight));
                }
                else
                {
                    var featuresPerChannel = linear.in_features / convs[i].out_channels;
                    prune.custom_from_mask(linear, "weight", alive.repeat_interleave(featuresPerChannel).view(1, -1).expand_as(linear.weight));
                }
            }
        }

        var accuracy = _trainer.Fit(model, _options.FineTuneEpochs, _options.Recipe, FineTuneLearningRate, SlowEpochs, optimizer => prune.step(optimizer, model), PruneOnSchedule);
        foreach (var conv in convs)
        {
            prune.remove(conv, "weight");
            prune.remove(conv, "bias");
        }

        prune.remove(linear, "weight");
        var percent = (int)Math.Round(_options.Sparsity * 100);
        var removed = FilterRemoval.remove_zero_filters(model, Network.SampleShape);
        Finish(model, $"{Name}_filters_zeroed{percent}", "filters_l1_zeroed_gradual", _options.Sparsity, denseAccuracy, accuracy, removed);
        Finish(removed.Model, $"{Name}_filters_zeroed{percent}_removed", "filters_l1_zeroed_gradual_removed", _options.Sparsity, denseAccuracy, _trainer.Accuracy(removed.Model), removed);
    }

    private void Finish(Sequential model, string name, string method, double? target, double denseAccuracy, double accuracy, FilterRemovalResult? removal)
    {
        model.eval();
        var report = PruningReport.of(model, Network.SampleShape);
        Console.Write(report.ToTable());
        var onnxPath = Path.Combine(_options.OutputFolder, name + ".onnx");
        var exportOptions = new ExportOptions(1, 28, 28)
        {
            PruningMethod = method,
            TargetSparsity = target,
            Accuracy = accuracy,
            Preprocessing = InputPreprocessing.Standardised(Dataset.Mean, Dataset.Std),
            ExtraMetadata = new Dictionary<string, string>
            {
                ["sparsegen.dataset"] = "fashion-mnist",
                ["sparsegen.training.seed"] = _options.Seed.ToString(CultureInfo.InvariantCulture),
            },
        };
        OnnxExporter.Export(model, onnxPath, exportOptions);
        var onnxRuntimeAccuracy = OnnxRuntimeAccuracy.Measure(onnxPath, _test);
        var seconds = _clock.Elapsed.TotalSeconds;
        var json = new
        {
            recipe = _options.Recipe,
            network = _options.Network,
            method,
            target_sparsity = target,
            seed = _options.Seed,
            epochs = _options.Epochs,
            fine_tune_epochs = _options.FineTuneEpochs,
            accuracy_before = denseAccuracy,
            accuracy_after = accuracy,
            onnx_runtime_accuracy = onnxRuntimeAccuracy,
            filter_removal = removal is null ? null : new { dense_macs = removal.DenseMacs, remaining_macs = removal.RemainingMacs, layers = removal.Layers },
            sparsity = report.ToJsonObject(),
            wall_seconds = Math.Round(seconds, 1),
            machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
        };
        var reportPath = Path.Combine(_options.OutputFolder, name + ".json");
        File.WriteAllText(reportPath, JsonSerializer.Serialize(json, Indented));
        Console.WriteLine($"accuracy {accuracy:P2} (dense {denseAccuracy:P2}), ONNX Runtime on the exported file {onnxRuntimeAccuracy:P2}");
        Console.WriteLine($"weights {report.Sparsity:P1} sparse, MACs {report.MacSparsity:P1} removed ({report.RemainingMacs:N0} of {report.DenseMacs:N0} per image)");
        Console.WriteLine($"wrote {onnxPath} and {reportPath} in {seconds:F0} s");
        if (Math.Abs(onnxRuntimeAccuracy - accuracy) > 0.0005)
        {
            throw new InvalidOperationException($"ONNX Runtime scores the exported file {onnxRuntimeAccuracy:P2}, TorchSharp {accuracy:P2}: the export is wrong");
        }
    }
}
