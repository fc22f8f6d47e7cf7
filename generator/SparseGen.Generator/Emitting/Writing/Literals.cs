using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SparseGen.Generator.Emitting.Writing;

/// <summary>C# literals and comment text in the invariant culture.</summary>
internal static class Literals
{
    /// <summary>
    /// A float literal that parses back to exactly <paramref name="value"/>: the shortest form "R" gives
    /// when it round-trips, else nine significant digits (always exact for float32). The check matters
    /// because the generator also runs on .NET Framework (Visual Studio), whose "R" is not always exact.
    /// </summary>
    public static string Float(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }

        if (float.IsPositiveInfinity(value))
        {
            return "float.PositiveInfinity";
        }

        if (float.IsNegativeInfinity(value))
        {
            return "float.NegativeInfinity";
        }

        if (value == 0f)
        {
            return IsNegativeZero(value) ? "-0f" : "0f";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!RoundTrips(text, value))
        {
            text = value.ToString("G9", CultureInfo.InvariantCulture);
        }

        return text + "f";
    }

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    /// <summary>Comma-grouped, for comments: 5,811.</summary>
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage with one decimal: 68.5 %.</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>A per-sample shape for comments: [32×14×14].</summary>
    public static string Shape(int[] shape) => "[" + string.Join("×", shape.Select(Int)) + "]";

    public static string IntArray(int[] values) => "new int[] { " + string.Join(", ", values.Select(Int)) + " }";

    /// <summary>A regular string literal with every character that needs it escaped.</summary>
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029' || c == '\u0085')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Text safe inside a <c>//</c> comment: one line, no control characters.</summary>
    public static string Comment(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085' ? ' ' : c);
        }

        return builder.ToString();
    }

    /// <summary>Text safe inside an XML doc comment.</summary>
    public static string Xml(string text) =>
        Comment(text).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static bool IsNegativeZero(float value) => BitConverter.DoubleToInt64Bits(value) < 0;

    private static bool RoundTrips(string text, float value) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
        && BitConverter.ToInt32(BitConverter.GetBytes(parsed), 0) == BitConverter.ToInt32(BitConverter.GetBytes(value), 0);
}
