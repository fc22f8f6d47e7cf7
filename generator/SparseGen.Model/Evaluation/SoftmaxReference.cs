using System;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Evaluation;

/// <summary>
/// Softmax over one axis (opset 13 on) or over every axis from the given one on (opset below 13,
/// which coerces the input to 2-D), the maximum subtracted first so exp cannot overflow.
/// </summary>
internal static class SoftmaxReference
{
    public static void Run(SoftmaxOperation softmax, int[] shape, float[] input, float[] output)
    {
        // Axis counts the batch dimension; shape does not.
        var axis = softmax.Axis - 1;
        var axisLength = softmax.CoerceTo2D ? Product(shape, axis, shape.Length) : shape[axis];
        var inner = softmax.CoerceTo2D ? 1 : Product(shape, axis + 1, shape.Length);
        var groups = input.Length / (axisLength * inner);
        var exps = new double[axisLength];

        for (var group = 0; group < groups; group++)
        {
            for (var offset = 0; offset < inner; offset++)
            {
                var first = (group * axisLength * inner) + offset;
                var max = float.NegativeInfinity;
                for (int i = 0, index = first; i < axisLength; i++, index += inner)
                {
                    max = Math.Max(max, input[index]);
                }

                var sum = 0.0;
                for (int i = 0, index = first; i < axisLength; i++, index += inner)
                {
                    exps[i] = Math.Exp(input[index] - (double)max);
                    sum += exps[i];
                }

                for (int i = 0, index = first; i < axisLength; i++, index += inner)
                {
                    output[index] = (float)(exps[i] / sum);
                }
            }
        }
    }

    private static int Product(int[] shape, int from, int to)
    {
        var product = 1;
        for (var i = from; i < to; i++)
        {
            product *= shape[i];
        }

        return product;
    }
}
