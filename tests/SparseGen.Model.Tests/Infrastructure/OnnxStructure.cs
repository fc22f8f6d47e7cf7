using System;
using System.Collections;
using System.Globalization;
using System.Reflection;
using SparseGen.Model.Onnx;
using Xunit.Sdk;

namespace SparseGen.Model.Tests.Infrastructure;

/// <summary>
/// Structural equality of ONNX DTOs, property by property through every nested message and list,
/// with floats and doubles compared bit for bit (a NaN's payload and the sign of zero count).
/// </summary>
internal static class OnnxStructure
{
    public static void AssertEqual(OnnxModelProto expected, OnnxModelProto actual)
    {
        if (FirstDifference(expected, actual, "model") is { } difference)
        {
            throw new XunitException("The models differ at " + difference);
        }
    }

    /// <summary>The path of the first difference and both values there, or null when the two are equal.</summary>
    public static string? FirstDifference(object? expected, object? actual, string path)
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (null, _) or (_, null):
                return $"{path}: expected {Show(expected)}, got {Show(actual)}";
            case (float e, float a):
                return BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a) ? null : $"{path}: expected {Bits(e)}, got {Bits(a)}";
            case (double e, double a):
                return BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(a) ? null : $"{path}: expected {e:R}, got {a:R}";
            case (string or bool or byte or int or long or Enum, _):
                return expected.Equals(actual) ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
            case (IList e, IList a):
                if (e.Count != a.Count)
                {
                    return $"{path}: expected {e.Count} items, got {a.Count}";
                }

                for (var i = 0; i < e.Count; i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
        }

        var type = expected.GetType();
        if (type != actual.GetType() || type.Namespace != typeof(OnnxModelProto).Namespace)
        {
            throw new ArgumentException($"{path}: cannot compare {type.Name} with {actual.GetType().Name}");
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (FirstDifference(property.GetValue(expected), property.GetValue(actual), path + "." + property.Name) is { } difference)
            {
                return difference;
            }
        }

        return null;
    }

    private static string Bits(float value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value:R} (0x{BitConverter.SingleToInt32Bits(value):X8})");

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
