using SparseGen.Model.Graph;

namespace SparseGen.Model.Evaluation;

/// <summary>Direct 2-D convolution over [N, C, H, W], grouped or not, accumulated in double.</summary>
internal static class ConvolutionReference
{
    public static void Run(ConvOperation conv, int[] inputShape, int[] outputShape, float[] input, float[] output, int batch, bool skipZeroWeights)
    {
        int channels = inputShape[0], height = inputShape[1], width = inputShape[2];
        int outChannels = outputShape[0], outHeight = outputShape[1], outWidth = outputShape[2];
        int channelsPerGroup = conv.InputChannelsPerGroup, outChannelsPerGroup = outChannels / conv.Group;
        int kernelHeight = conv.KernelHeight, kernelWidth = conv.KernelWidth;
        int strideH = conv.Strides[0], strideW = conv.Strides[1];
        int dilationH = conv.Dilations[0], dilationW = conv.Dilations[1];
        int padTop = conv.Pads[0], padLeft = conv.Pads[1];
        var weights = conv.Weight.Data;
        var inputPlane = height * width;
        var outputPlane = outHeight * outWidth;
        var sums = new double[outputPlane];

        for (var n = 0; n < batch; n++)
        {
            var inputSample = n * channels * inputPlane;
            var outputSample = n * outChannels * outputPlane;
            for (var m = 0; m < outChannels; m++)
            {
                System.Array.Clear(sums, 0, outputPlane);
                var firstChannel = m / outChannelsPerGroup * channelsPerGroup;
                var weightIndex = m * channelsPerGroup * kernelHeight * kernelWidth;
                for (var c = 0; c < channelsPerGroup; c++)
                {
                    var inputChannel = inputSample + ((firstChannel + c) * inputPlane);
                    for (var ky = 0; ky < kernelHeight; ky++)
                    {
                        var rowOffset = (ky * dilationH) - padTop;
                        var oyStart = WindowRange.First(rowOffset, strideH);
                        var oyEnd = WindowRange.End(rowOffset, strideH, height, outHeight);
                        for (var kx = 0; kx < kernelWidth; kx++, weightIndex++)
                        {
                            double weight = weights[weightIndex];
                            if (skipZeroWeights && weight == 0.0)
                            {
                                continue;
                            }

                            var columnOffset = (kx * dilationW) - padLeft;
                            var oxStart = WindowRange.First(columnOffset, strideW);
                            var oxEnd = WindowRange.End(columnOffset, strideW, width, outWidth);
                            for (var oy = oyStart; oy < oyEnd; oy++)
                            {
                                var inputIndex = inputChannel + (((oy * strideH) + rowOffset) * width) + (oxStart * strideW) + columnOffset;
                                var sumIndex = oy * outWidth;
                                for (var ox = oxStart; ox < oxEnd; ox++, inputIndex += strideW)
                                {
                                    sums[sumIndex + ox] += weight * input[inputIndex];
                                }
                            }
                        }
                    }
                }

                double bias = conv.Bias is null ? 0.0 : conv.Bias[m];
                var outputChannel = outputSample + (m * outputPlane);
                for (var i = 0; i < outputPlane; i++)
                {
                    output[outputChannel + i] = conv.Activation.Apply((float)(sums[i] + bias));
                }
            }
        }
    }
}
