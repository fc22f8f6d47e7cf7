using SparseGen.Pruning.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FashionMnist.Train;

/// <summary>The networks this sample trains.</summary>
internal static class Network
{
    /// <summary>One image: [C, H, W].</summary>
    public static readonly long[] SampleShape = { 1, 28, 28 };

    public static Sequential Create(string name) => name switch
    {
        "cnn" => Cnn(),
        "resnet" => Residual(),
        _ => throw new System.ArgumentException($"unknown --network '{name}': use cnn or resnet"),
    };

    /// <summary>The CNN of the pruning tutorial: 421,642 parameters, 4.24 M multiply-adds per image.</summary>
    public static Sequential Cnn() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 32, 3, padding: 1)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(32, 64, 3, padding: 1)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(3136, 128)),
        ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(128, 10)));

    /// <summary>A small ResNet: a stem, two residual stages (16 and 32 channels), global pooling, one Linear.</summary>
    public static Sequential Residual() => nn.Sequential(
        ("stem", nn.Conv2d(1, 16, 3, padding: 1, bias: false)),
        ("stem_bn", nn.BatchNorm2d(16)),
        ("stem_relu", nn.ReLU()),
        ("block1", new ResidualBlock(16, 16)),
        ("block2", new ResidualBlock(16, 32, stride: 2)),
        ("block3", new ResidualBlock(32, 32)),
        ("pool", nn.AdaptiveAvgPool2d(1)),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(32, 10)));
}
