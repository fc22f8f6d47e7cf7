using System;
using TorchSharp;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Tests.TorchSharpLoad;

/// <summary>TorchSharp's native libraries load and train in this test host (the GLIBCXX fix worked).</summary>
public sealed class TorchSharpSmokeTests
{
    [Fact]
    public void LibtorchIsVersion2_10()
    {
        Assert.StartsWith("2.10", torch.__version__, StringComparison.Ordinal);
    }

    [Fact]
    public void SgdTrainsALinearLayerOnSyntheticData()
    {
        torch.manual_seed(7);
        using var scope = torch.NewDisposeScope();
        var inputs = torch.randn(256, 4);
        var trueWeight = torch.tensor(new float[] { 1.5f, -2f, 0.5f, 3f }).reshape(4, 1);
        var targets = inputs.matmul(trueWeight) + 0.25f;
        var layer = torch.nn.Linear(4, 1);
        var optimizer = torch.optim.SGD(layer.parameters(), learningRate: 0.1);
        var lossBefore = torch.nn.functional.mse_loss(layer.forward(inputs), targets).item<float>();

        for (var step = 0; step < 50; step++)
        {
            optimizer.zero_grad();
            var loss = torch.nn.functional.mse_loss(layer.forward(inputs), targets);
            loss.backward();
            optimizer.step();
        }

        var lossAfter = torch.nn.functional.mse_loss(layer.forward(inputs), targets).item<float>();
        Assert.True(lossAfter < lossBefore / 2, $"MSE {lossBefore} -> {lossAfter}");
    }
}
