using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Modules;

/// <summary>
/// The basic block of a ResNet (He et al. 2016), as torchvision's <c>BasicBlock</c>:
/// <c>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c>, with 3×3 convolutions and an identity
/// shortcut, or a 1×1 projection (<see cref="downsample"/>) when the stride or channel count changes.
/// </summary>
/// <remarks>
/// Its child names follow torchvision (<c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>, <c>downsample.0</c>,
/// <c>downsample.1</c>), so parameter names read as a PyTorch user expects. The ONNX exporter and
/// <c>FilterRemoval</c> know this block; it is the library's way to put a residual connection in a Sequential.
/// </remarks>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates a block from <paramref name="in_channels"/> to <paramref name="out_channels"/>.</summary>
    /// <param name="in_channels">Channels of the block's input.</param>
    /// <param name="out_channels">Channels of both convolutions and of the output.</param>
    /// <param name="stride">Stride of the first convolution (and of the projection); 2 halves H and W.</param>
    /// <param name="projection">
    /// Whether the shortcut is a 1×1 convolution; null chooses one exactly when the input and output shapes differ.
    /// </param>
    /// <param name="projection_batch_norm">Whether the projection is followed by a BatchNorm2d.</param>
    /// <param name="name">The module's name.</param>
    public ResidualBlock(
        long in_channels,
        long out_channels,
        long stride = 1,
        bool? projection = null,
        bool projection_batch_norm = true,
        string name = nameof(ResidualBlock))
        : base(name)
    {
        this.in_channels = in_channels;
        this.out_channels = out_channels;
        this.stride = stride;
        conv1 = nn.Conv2d(in_channels, out_channels, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(out_channels);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(out_channels, out_channels, 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(out_channels);

        var needsProjection = stride != 1 || in_channels != out_channels;
        if (projection ?? needsProjection)
        {
            var shortcutConv = nn.Conv2d(in_channels, out_channels, 1, stride: stride, bias: false);
            downsample = projection_batch_norm
                ? nn.Sequential(shortcutConv, nn.BatchNorm2d(out_channels))
                : nn.Sequential(shortcutConv);
        }
        else if (needsProjection)
        {
            throw new System.ArgumentException(
                $"an identity shortcut needs equal shapes, but the block maps {in_channels} to {out_channels} channels with stride {stride}",
                nameof(projection));
        }

        RegisterComponents();
    }

    /// <summary>Builds a block from existing layers (used by structured filter removal).</summary>
    internal ResidualBlock(Conv2d conv1, BatchNorm2d bn1, Conv2d conv2, BatchNorm2d bn2, Sequential? downsample, string name)
        : base(name)
    {
        in_channels = conv1.in_channels;
        out_channels = conv2.out_channels;
        stride = conv1.stride[0];
        this.conv1 = conv1;
        this.bn1 = bn1;
        relu = nn.ReLU();
        this.conv2 = conv2;
        this.bn2 = bn2;
        this.downsample = downsample;
        RegisterComponents();
    }

    public long in_channels { get; }

    public long out_channels { get; }

    public long stride { get; }

    // RegisterComponents names the children after these fields: the PyTorch names, hence lower case.
    public readonly Conv2d conv1;
    public readonly BatchNorm2d bn1;
    public readonly ReLU relu;
    public readonly Conv2d conv2;
    public readonly BatchNorm2d bn2;

    /// <summary>The projection shortcut (a 1×1 Conv2d, then optionally a BatchNorm2d), or null for the identity.</summary>
    public readonly Sequential? downsample;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var branch = bn2.forward(conv2.forward(relu.forward(bn1.forward(conv1.forward(input)))));
        var shortcut = downsample is null ? input : downsample.forward(input);
        return nn.functional.relu(branch + shortcut).MoveToOuterDisposeScope();
    }
}
