using System;
using System.Globalization;
using SparseGen.Generator.Emitting.Writing;

namespace SparseGen.Generator.Tests.Emitting;

public sealed class LiteralsTests
{
    [Theory]
    [InlineData(0f, "0f")]
    [InlineData(1f, "1f")]
    [InlineData(0.1f, "0.1f")]
    [InlineData(-2.5f, "-2.5f")]
    [InlineData(float.NaN, "float.NaN")]
    [InlineData(float.PositiveInfinity, "float.PositiveInfinity")]
    [InlineData(float.NegativeInfinity, "float.NegativeInfinity")]
    public void Float_literals_are_short_and_readable(float value, string expected) => Assert.Equal(expected, Literals.Float(value));

    [Fact]
    public void Negative_zero_keeps_its_sign() => Assert.Equal("-0f", Literals.Float(-0f));

    [Fact]
    public void Every_float_literal_parses_back_to_the_same_bits()
    {
        var random = new Random(5);
        var special = new[] { float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-38f, 16777217f, 0.3f, 1f / 3f };
        for (var i = 0; i < 20_000 + special.Length; i++)
        {
            var value = i < special.Length ? special[i] : BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue));
            if (!float.IsFinite(value))
            {
                continue;
            }

            var literal = Literals.Float(value);
            Assert.EndsWith("f", literal, StringComparison.Ordinal);
            var parsed = float.Parse(literal.AsSpan(0, literal.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(parsed));
        }
    }

    [Fact]
    public void String_literals_escape_quotes_backslashes_and_control_characters() =>
        Assert.Equal("\"a\\\"b\\\\c\\nd\\u0001\"", Literals.String("a\"b\\c\nd\u0001"));
}
