using SparseGen;

namespace FashionMnist;

/// <summary>The classifier: everything inside is generated from the model file at build time.</summary>
[SparseModel("model/fashion_cnn_mac_aware90.onnx")]
public static partial class FashionNet
{
}
