using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>Facts about a convolution's weights that both the cost model and the emitters use.</summary>
internal static class ConvWeights
{
    /// <summary>The kernel positions (kh · kW + kw) with a nonzero weight in some output and input channel, in order.</summary>
    public static IReadOnlyList<int> PositionsInUse(ConvOperation conv)
    {
        var area = conv.KernelHeight * conv.KernelWidth;
        var inputs = conv.InputChannelsPerGroup;
        var positions = new List<int>();
        for (var k = 0; k < area; k++)
        {
            var used = false;
            for (var m = 0; m < conv.OutputChannels && !used; m++)
            {
                for (var c = 0; c < inputs && !used; c++)
                {
                    used = conv.Weight.Data[(((long)m * inputs) + c) * area + k] != 0f;
                }
            }

            if (used)
            {
                positions.Add(k);
            }
        }

        return positions;
    }
}
