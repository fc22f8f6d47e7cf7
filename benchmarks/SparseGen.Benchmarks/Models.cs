using SparseGen;

namespace SparseGen.Benchmarks;

/// <summary>The tutorial CNN, dense (PyTorch's export; 4.24 M MACs per image).</summary>
[SparseModel("../../samples/FashionMnist/model/fashion_cnn_dense.onnx")]
internal static partial class DenseCnn
{
    public const string File = "../../samples/FashionMnist/model/fashion_cnn_dense.onnx";
}

/// <summary>
/// The tutorial CNN with conv2 and fc1 magnitude-pruned to 90 % (benchmarks/tools/PruneModel.cs; not trained
/// after pruning, so only its speed means anything): 0.63 M of 4.24 M MACs left.
/// </summary>
[SparseModel("Models/fashion_cnn_pruned90.onnx")]
internal static partial class Pruned90Cnn
{
    public const string File = "Models/fashion_cnn_pruned90.onnx";
}

/// <summary>
/// The tutorial CNN with every weight layer (conv1, conv2, fc1, fc2) magnitude-pruned to 90 %
/// (benchmarks/tools/PruneModel.cs; untrained, speed only): a stand-in for the MAC-aware 90 % model, 0.42 M of 4.24 M MACs left.
/// </summary>
[SparseModel("Models/fashion_cnn_uniform90.onnx")]
internal static partial class Uniform90Cnn
{
    public const string File = "Models/fashion_cnn_uniform90.onnx";
}

/// <summary>A residual network with BatchNorm, 80 % pruned (PyTorch fixture).</summary>
[SparseModel("../../tests/SparseGen.Model.Tests/Fixtures/resnet_bn_pruned80.onnx")]
internal static partial class ResNet80
{
    public const string File = "../../tests/SparseGen.Model.Tests/Fixtures/resnet_bn_pruned80.onnx";
}

/// <summary>Depthwise and grouped convolutions, 70 % pruned (PyTorch fixture).</summary>
[SparseModel("../../tests/SparseGen.Model.Tests/Fixtures/mobilenetish_pruned70.onnx")]
internal static partial class MobileNet70
{
    public const string File = "../../tests/SparseGen.Model.Tests/Fixtures/mobilenetish_pruned70.onnx";
}
