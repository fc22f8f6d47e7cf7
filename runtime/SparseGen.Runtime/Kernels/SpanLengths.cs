using System.ComponentModel;
using System.Globalization;

namespace SparseGen.Kernels;

/// <summary>The argument checks' messages of the generated API. For generated code: not a stable API.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SpanLengths
{
    /// <summary>Why <paramref name="parameter"/> does not fit: its length, the samples and shape it should hold, and their length.</summary>
    public static string Message(string parameter, int actual, int batch, int perSample, string shape) =>
        parameter + " holds " + actual.ToString(CultureInfo.InvariantCulture) + " floats but "
        + (batch == 1 ? "one sample" : "a batch of " + batch.ToString(CultureInfo.InvariantCulture) + " samples")
        + " of shape " + shape + " needs " + ((long)batch * perSample).ToString(CultureInfo.InvariantCulture);
}
