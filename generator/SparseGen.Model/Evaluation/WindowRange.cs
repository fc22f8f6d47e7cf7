namespace SparseGen.Model.Evaluation;

/// <summary>
/// Which outputs of a sliding window read a real input element through one kernel tap. For tap
/// offset <c>t = k·dilation − padBegin</c>, output <c>o</c> reads input <c>o·stride + t</c>; the outputs
/// for which that lies in [0, inputLength) form one contiguous range, so inner loops need no bounds test.
/// </summary>
internal static class WindowRange
{
    /// <summary>First output whose tap at <paramref name="tapOffset"/> lands at or after input 0.</summary>
    public static int First(int tapOffset, int stride) =>
        tapOffset >= 0 ? 0 : (-tapOffset + stride - 1) / stride;

    /// <summary>One past the last output whose tap lands before <paramref name="inputLength"/>, at most <paramref name="outputLength"/>.</summary>
    public static int End(int tapOffset, int stride, int inputLength, int outputLength)
    {
        var lastInput = inputLength - 1 - tapOffset;
        if (lastInput < 0)
        {
            return 0;
        }

        var end = (lastInput / stride) + 1;
        return end < outputLength ? end : outputLength;
    }
}
