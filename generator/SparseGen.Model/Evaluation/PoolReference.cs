using SparseGen.Model.Graph;

namespace SparseGen.Model.Evaluation;

/// <summary>
/// Max and average pooling over [N, C, H, W] with ONNX Runtime's window rules: padding never wins a
/// max; a NaN anywhere in a window makes its max NaN (as PyTorch's max pooling and IEEE 754's maximum do;
/// ONNX Runtime's own kernels keep a NaN only where it is the last element their SIMD loop visits); an average that counts padding divides by the kernel taps that fall inside the padded input
/// (taps past it, which ceil mode can create, count for nothing); a window with no real element
/// yields float.MinValue (max) or 0 (average), as ONNX Runtime's loops leave it.
/// </summary>
internal static class PoolReference
{
    public static void Run(PoolOperation pool, int[] inputShape, int[] outputShape, float[] input, float[] output, int batch)
    {
        int channels = inputShape[0], height = inputShape[1], width = inputShape[2];
        int outHeight = outputShape[1], outWidth = outputShape[2];
        int kernelHeight = pool.Kernel[0], kernelWidth = pool.Kernel[1];
        int strideH = pool.Strides[0], strideW = pool.Strides[1];
        int dilationH = pool.Dilations[0], dilationW = pool.Dilations[1];
        int padTop = pool.Pads[0], padLeft = pool.Pads[1];
        var paddedHeight = height + pool.Pads[2];
        var paddedWidth = width + pool.Pads[3];
        var isMax = pool.Kind == PoolKind.Max;

        for (var plane = 0; plane < batch * channels; plane++)
        {
            var inputPlane = plane * height * width;
            var outputIndex = plane * outHeight * outWidth;
            for (var oy = 0; oy < outHeight; oy++)
            {
                var rowStart = (oy * strideH) - padTop;
                var paddedRows = TapsBefore(rowStart, kernelHeight, dilationH, paddedHeight);
                for (var ox = 0; ox < outWidth; ox++, outputIndex++)
                {
                    var columnStart = (ox * strideW) - padLeft;
                    var max = float.MinValue;
                    var sum = 0.0;
                    var realCount = 0;
                    for (var ky = 0; ky < kernelHeight; ky++)
                    {
                        var y = rowStart + (ky * dilationH);
                        if (y < 0 || y >= height)
                        {
                            continue;
                        }

                        var inputRow = inputPlane + (y * width);
                        for (var kx = 0; kx < kernelWidth; kx++)
                        {
                            var x = columnStart + (kx * dilationW);
                            if (x < 0 || x >= width)
                            {
                                continue;
                            }

                            var value = input[inputRow + x];
                            // The first real element is taken as is, and a NaN, once taken, stays.
                            if (realCount == 0 || value > max || float.IsNaN(value))
                            {
                                max = value;
                            }

                            sum += value;
                            realCount++;
                        }
                    }

                    if (isMax)
                    {
                        output[outputIndex] = max;
                    }
                    else if (realCount == 0)
                    {
                        output[outputIndex] = 0f;
                    }
                    else
                    {
                        var divisor = pool.CountIncludePad
                            ? paddedRows * TapsBefore(columnStart, kernelWidth, dilationW, paddedWidth)
                            : realCount;
                        output[outputIndex] = (float)(sum / divisor);
                    }
                }
            }
        }
    }

    /// <summary>How many of the taps start, start + dilation, … lie before <paramref name="limit"/>.</summary>
    private static int TapsBefore(int start, int kernel, int dilation, int limit)
    {
        var count = 0;
        for (var k = 0; k < kernel && start + (k * dilation) < limit; k++)
        {
            count++;
        }

        return count;
    }
}
