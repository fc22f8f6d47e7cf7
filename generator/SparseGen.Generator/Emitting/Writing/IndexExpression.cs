using System.Text;

namespace SparseGen.Generator.Emitting.Writing;

/// <summary>Index expressions such as <c>oy * 28 + ox - 29</c>: unit coefficients and zero terms left out.</summary>
internal static class IndexExpression
{
    public static string Of(long constant, params (long Coefficient, string Variable)[] terms)
    {
        var builder = new StringBuilder();
        foreach (var (coefficient, variable) in terms)
        {
            if (coefficient == 0)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(coefficient < 0 ? " - " : " + ");
            }
            else if (coefficient < 0)
            {
                builder.Append('-');
            }

            var magnitude = coefficient < 0 ? -coefficient : coefficient;
            builder.Append(variable);
            if (magnitude != 1)
            {
                builder.Append(" * ").Append(Literals.Long(magnitude).TrimEnd('L'));
            }
        }

        if (builder.Length == 0)
        {
            return Literals.Long(constant).TrimEnd('L');
        }

        if (constant != 0)
        {
            builder.Append(constant < 0 ? " - " : " + ").Append(Literals.Long(constant < 0 ? -constant : constant).TrimEnd('L'));
        }

        return builder.ToString();
    }

    /// <summary><paramref name="variable"/> plus a constant: <c>i + 5</c>, <c>i - 3</c>, <c>i</c>.</summary>
    public static string Plus(string variable, long constant) => Of(constant, (1, variable));
}
