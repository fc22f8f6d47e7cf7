using System;
using System.Globalization;
using System.Linq;
using SparseGen.Model;
using SparseGen.Model.Onnx;
using SparseGen.Pruning.Export;
using SparseGen.Pruning.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Tests.Export;

public sealed class OnnxExporterTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void PrunedCnnMatchesTorchSharpInOnnxRuntime()
    {
        torch.manual_seed(1);
        var model = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding: 1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(4, 8, 3, padding: 1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(8 * 3 * 3, 16),
            nn.ReLU(),
            nn.Linear(16, 10));
        ZeroHalfOfEachWeight(model);

        var bytes = AssertOnnxRuntimeMatchesTorchSharp(model, channels: 1, height: 12, width: 12);

        var writtenWeights = OnnxReader.Read(bytes).Graph!.Initializers.Where(t => t.Name.EndsWith(".weight", StringComparison.Ordinal)).ToList();
        var writtenZeros = writtenWeights.Sum(t => OnnxTensors.ToFloats(t).Count(w => w == 0f));
        var torchZeros = model.parameters().Where(p => p.dim() > 1).Sum(p => p.eq(0).sum().item<long>());
        Assert.Equal(torchZeros, writtenZeros);
    }

    [Fact]
    public void GroupedConvolutionsNormalisationAndActivationsMatchTorchSharp()
    {
        torch.manual_seed(2);
        var model = nn.Sequential(
            ("stem", nn.Sequential(nn.Conv2d(3, 6, 3, padding: 1), nn.BatchNorm2d(6), nn.ReLU6())),
            ("depthwise", nn.Conv2d(6, 6, 3, padding: 1, groups: 6)),
            ("pool", nn.AvgPool2d(2)),
            ("grouped", nn.Conv2d(6, 12, 1, groups: 3)),
            ("sigmoid", nn.Sigmoid()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("dropout", nn.Dropout(0.5)),
            ("fc1", nn.Linear(12, 8)),
            ("bn", nn.BatchNorm1d(8)),
            ("tanh", nn.Tanh()),
            ("fc2", nn.Linear(8, 5)),
            ("softmax", nn.Softmax(1)));
        WarmUpBatchNormStatistics(model, 3, 8, 8);

        AssertOnnxRuntimeMatchesTorchSharp(model, channels: 3, height: 8, width: 8);
    }

    [Fact]
    public void ResidualBlocksWithIdentityAndProjectionShortcutsMatchTorchSharp()
    {
        torch.manual_seed(3);
        var model = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding: 1, bias: false),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            new ResidualBlock(8, 8),
            new ResidualBlock(8, 16, stride: 2),
            new ResidualBlock(16, 16, projection: true, projection_batch_norm: false),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(16, 10));
        WarmUpBatchNormStatistics(model, 3, 8, 8);

        AssertOnnxRuntimeMatchesTorchSharp(model, channels: 3, height: 8, width: 8);
    }

    [Fact]
    public void ExportedGraphHasSymbolicBatchInputAndLogitsOutput()
    {
        var model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3));

        var graph = OnnxReader.Read(OnnxExporter.ToBytes(model, new ExportOptions(1, 2, 2))).Graph!;

        Assert.Equal("input", graph.Inputs.Single().Name);
        Assert.Equal("batch", graph.Inputs.Single().Shape![0].Param);
        Assert.Equal(new long?[] { 1, 2, 2 }, graph.Inputs.Single().Shape!.Skip(1).Select(d => d.Value));
        Assert.Equal("logits", graph.Outputs.Single().Name);
        Assert.Equal(new long?[] { null, 3 }, graph.Outputs.Single().Shape!.Select(d => d.Value));
    }

    [Fact]
    public void UnsupportedModuleIsNamedWithItsPath()
    {
        var model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Sequential(nn.ReLU(), nn.GELU()));

        var error = Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.ToBytes(model, new ExportOptions(1, 5, 5)));

        Assert.Equal("1.1", error.ModulePath);
        Assert.Equal("GELU", error.ModuleType);
        Assert.Contains("'1.1' of type GELU", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomModuleHoldingAnLstmIsNamed()
    {
        var model = nn.Sequential(("features", nn.Flatten()), ("head", new RecurrentHead()));

        var error = Assert.Throws<UnsupportedModuleException>(() => OnnxExporter.ToBytes(model, new ExportOptions(1, 2, 2)));

        Assert.Equal("head", error.ModulePath);
        Assert.Equal(nameof(RecurrentHead), error.ModuleType);
    }

    [Fact]
    public void MetadataRoundTripsThroughOnnxRuntime()
    {
        var model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2));
        var options = new ExportOptions(1, 2, 2)
        {
            PruningMethod = "global_unstructured_l1",
            TargetSparsity = 0.9,
            AchievedSparsity = 0.8996,
            Accuracy = 0.9153,
            Preprocessing = InputPreprocessing.Standardised(0.2860f, 0.3530f),
        };

        var metadata = OnnxRuntimeRunner.Metadata(OnnxExporter.ToBytes(model, options));

        Assert.Equal("global_unstructured_l1", metadata["sparsegen.pruning.method"]);
        Assert.Equal(0.9, Parse(metadata["sparsegen.sparsity.target"]));
        Assert.Equal(0.8996, Parse(metadata["sparsegen.sparsity.achieved"]));
        Assert.Equal(0.9153, Parse(metadata["sparsegen.accuracy"]));
        Assert.Equal(1f / 255f, (float)Parse(metadata["sparsegen.input.scale"]));
        Assert.Equal(0.2860f, (float)Parse(metadata["sparsegen.input.mean"]));
        Assert.Equal(0.3530f, (float)Parse(metadata["sparsegen.input.std"]));
    }

    [Fact]
    public void AchievedSparsityIsCountedFromTheWeightsWhenNotGiven()
    {
        var model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2, hasBias: false));
        using (no_grad())
        {
            ((TorchSharp.Modules.Linear)model[1]).weight!.copy_(tensor(new float[] { 0, 1, 0, 2, 0, 0, 3, 0 }).reshape(2, 4));
        }

        var metadata = OnnxRuntimeRunner.Metadata(OnnxExporter.ToBytes(model, new ExportOptions(1, 2, 2)));

        Assert.Equal(0.625, Parse(metadata["sparsegen.sparsity.achieved"]));
        Assert.False(metadata.ContainsKey("sparsegen.accuracy"));
        Assert.Equal("none", metadata["sparsegen.pruning.method"]);
    }

    [Fact]
    public void TrainingModeIsRestoredAfterExport()
    {
        var model = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(4, 2));
        model.train();

        OnnxExporter.ToBytes(model, new ExportOptions(1, 2, 2));

        Assert.True(model.training);
    }

    private static byte[] AssertOnnxRuntimeMatchesTorchSharp(nn.Module<Tensor, Tensor> model, int channels, int height, int width)
    {
        const int batch = 3;
        model.eval();
        var input = randn(batch, channels, height, width);
        float[] expected;
        using (no_grad())
        {
            expected = model.forward(input).data<float>().ToArray();
        }

        var bytes = OnnxExporter.ToBytes(model, new ExportOptions(channels, height, width));
        var actual = OnnxRuntimeRunner.Run(bytes, "input", input.data<float>().ToArray(), new[] { batch, channels, height, width });

        Assert.Equal(expected.Length, actual.Length);
        var maxDifference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDifference <= Tolerance, $"max |ONNX Runtime − TorchSharp| = {maxDifference}");

        var loaded = ModelLoader.Load(bytes);
        Assert.True(loaded.Succeeded, loaded.Error?.ToString());
        return bytes;
    }

    private static void ZeroHalfOfEachWeight(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var parameter in model.parameters().Where(p => p.dim() > 1))
        {
            parameter.mul_(rand_like(parameter).ge(0.5));
        }
    }

    private static void WarmUpBatchNormStatistics(nn.Module<Tensor, Tensor> model, int channels, int height, int width)
    {
        model.train();
        using var noGrad = no_grad();
        for (var step = 0; step < 5; step++)
        {
            model.forward(randn(8, channels, height, width) * 2 + 0.5);
        }

        model.eval();
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private sealed class RecurrentHead : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.LSTM _lstm = nn.LSTM(4, 4);

        public RecurrentHead()
            : base(nameof(RecurrentHead))
        {
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _lstm.forward(input.unsqueeze(0)).Item1.squeeze(0);
    }
}
