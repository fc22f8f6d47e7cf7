using SparseGen;

namespace SparseGen.Benchmarks;

// Every model the benchmarks time, compiled by the generator from the same ONNX files ONNX Runtime and
// TorchSharp load. Paths are relative to this project's folder.

/// <summary>The tutorial CNN, dense (PyTorch's export; 4.24 M MACs per image).</summary>
[SparseModel(File)]
internal static partial class DenseCnn
{
    public const string File = "../../samples/FashionMnist/model/fashion_cnn_dense.onnx";
}

/// <summary>A residual network with BatchNorm, 80 % pruned (PyTorch fixture).</summary>
[SparseModel(File)]
internal static partial class ResNet80
{
    public const string File = "../../tests/SparseGen.Model.Tests/Fixtures/resnet_bn_pruned80.onnx";
}

/// <summary>Depthwise and grouped convolutions, 70 % pruned (PyTorch fixture).</summary>
[SparseModel(File)]
internal static partial class MobileNet70
{
    public const string File = "../../tests/SparseGen.Model.Tests/Fixtures/mobilenetish_pruned70.onnx";
}

/// <summary>
/// The Fashion-MNIST CNN with 75 % of each convolution's filters pruned in place by samples/FashionMnist.Train
/// (<c>filters-zeroed</c>): the dense shapes, with the pruned filters and every weight that reads them zero (90.9 % of the MACs).
/// </summary>
[SparseModel(File)]
internal static partial class FiltersZeroedCnn
{
    public const string File = "models/fashion_cnn_filters_zeroed75.onnx";
}

/// <summary>
/// The Fashion-MNIST CNN pruned to 90 % of its MACs by samples/FashionMnist.Train with the MAC-aware allocation in blocks of
/// 16 output channels (<c>mac-aware --block 16</c>): each layer loses what the MAC-aware ranking gives it, as whole vectors
/// of 16 channels (or outputs) at one input and kernel position.
/// </summary>
[SparseModel(File)]
internal static partial class MacAwareBlocksCnn
{
    public const string File = "models/fashion_cnn_mac_aware90_blocks16.onnx";
}

/// <summary>The same model with the zero channels taken out (FilterRemoval.remove_zero_filters): a smaller dense CNN.</summary>
[SparseModel(File)]
internal static partial class FiltersRemovedCnn
{
    public const string File = "models/fashion_cnn_filters_zeroed75_removed.onnx";
}

#if SPARSEGEN_TRAINED_CNN90
/// <summary>
/// The Fashion-MNIST CNN trained and pruned to 90 % by samples/FashionMnist.Train: the project copies the first
/// <c>samples/FashionMnist/model/*90*.onnx</c> here at build time (see the project file).
/// </summary>
[SparseModel(File)]
internal static partial class TrainedCnn90
{
    public const string File = "obj/trained/fashion_cnn_trained90.onnx";
}
#endif

#if SPARSEGEN_SWEEP
// The sparsity sweep: the dense CNN magnitude-pruned per layer (`make-sweep` writes the files); 0 % is DenseCnn.

/// <summary>The dense CNN with 50 % of every layer's weights (the smallest) set to zero.</summary>
[SparseModel(File)]
internal static partial class CnnSparsity50
{
    public const string File = "models/sweep/fashion_cnn_s50.onnx";
}

/// <summary>The dense CNN, 70 % of every layer's weights zero.</summary>
[SparseModel(File)]
internal static partial class CnnSparsity70
{
    public const string File = "models/sweep/fashion_cnn_s70.onnx";
}

/// <summary>The dense CNN, 80 % of every layer's weights zero.</summary>
[SparseModel(File)]
internal static partial class CnnSparsity80
{
    public const string File = "models/sweep/fashion_cnn_s80.onnx";
}

/// <summary>The dense CNN, 90 % of every layer's weights zero (also the stand-in for the trained 90 % CNN).</summary>
[SparseModel(File)]
internal static partial class CnnSparsity90
{
    public const string File = "models/sweep/fashion_cnn_s90.onnx";
}

/// <summary>The dense CNN, 95 % of every layer's weights zero.</summary>
[SparseModel(File)]
internal static partial class CnnSparsity95
{
    public const string File = "models/sweep/fashion_cnn_s95.onnx";
}

/// <summary>The dense CNN, 98 % of every layer's weights zero.</summary>
[SparseModel(File)]
internal static partial class CnnSparsity98
{
    public const string File = "models/sweep/fashion_cnn_s98.onnx";
}
#endif
