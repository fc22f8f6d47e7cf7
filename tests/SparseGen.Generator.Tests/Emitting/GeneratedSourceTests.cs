using System;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseGen.Generator.Planning;
using SparseGen.Model.Passes;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>What the generated source looks like: method sizes, no zero weights, determinism, model facts.</summary>
public sealed class GeneratedSourceTests
{
    public static TheoryData<string> PrunedFiles => new(Fixtures.OnnxFiles.Where(f => f.Contains("pruned", StringComparison.Ordinal)));

    [Fact]
    public void No_method_of_the_dense_simple_cnn_exceeds_the_statement_or_loop_budget()
    {
        var root = CSharpSyntaxTree.ParseText(CompiledFixtures.Get(Fixtures.SimpleCnnDense).Source).GetRoot();
        var methods = root.DescendantNodes().OfType<MethodDeclarationSyntax>().ToArray();

        var worst = methods
            .Select(m => (Name: m.Identifier.Text, Statements: m.DescendantNodes().OfType<StatementSyntax>().Count(s => s is not BlockSyntax), Loops: m.DescendantNodes().OfType<ForStatementSyntax>().Count()))
            .OrderByDescending(m => m.Statements)
            .First();

        Assert.True(methods.Length > 20, $"the big layers should be cut into parts; found {methods.Length} methods");
        Assert.True(worst.Statements <= PlannerOptions.Default.MaxStatementsPerMethod, $"{worst.Name} has {worst.Statements} statements");
        Assert.True(
            methods.All(m => m.DescendantNodes().OfType<ForStatementSyntax>().Count() <= PlannerOptions.Default.MaxLoopsPerMethod),
            "a method has more loops than the budget");
    }

    [Theory]
    [MemberData(nameof(PrunedFiles))]
    public void Source_of_a_pruned_model_multiplies_by_no_zero_literal(string file)
    {
        var source = CompiledFixtures.Get(file).Source;
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();

        var multiplications = root.DescendantNodes().OfType<BinaryExpressionSyntax>().Where(b => b.IsKind(SyntaxKind.MultiplyExpression)).ToArray();
        var byZero = multiplications.Where(m => IsZeroLiteral(m.Left) || IsZeroLiteral(m.Right)).ToArray();

        Assert.NotEmpty(multiplications);
        Assert.True(byZero.Length == 0, $"{byZero.Length} multiplications by a zero literal, e.g. {byZero.FirstOrDefault()}");
        Assert.DoesNotContain(" 0f * ", source, StringComparison.Ordinal);
    }

    /// <summary>
    /// The SIMD tables' taps start from 64-byte-aligned bases (their offsets minus the residue of their loop), and every
    /// shift in registers is by a literal residue of 1–15: an immediate, not a jump table.
    /// </summary>
    [Fact]
    public void Pixels_in_lanes_tables_read_from_aligned_bases_with_literal_residues()
    {
        var source = CompiledFixtures.Get(Fixtures.ResNetBnPruned80).Source;

        var bases = Regex.Matches(source, @"ReadOnlySpan<int> Layer\d+Bases => new int\[\]\s*\{(?<values>[^}]*)\}")
            .SelectMany(m => m.Groups["values"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(int.Parse)
            .ToList();
        var residues = Regex.Matches(source, @"lanes\.Realign\(v[01], v[01], ref t, (?<residue>\w+), \d+\)").Select(m => m.Groups["residue"].Value).ToList();

        Assert.NotEmpty(bases);
        Assert.All(bases, offset => Assert.Equal(0, offset % 16));
        Assert.NotEmpty(residues);
        Assert.All(residues, residue => Assert.InRange(int.Parse(residue, System.Globalization.CultureInfo.InvariantCulture), 1, 15));
    }

    [Fact]
    public void Same_model_gives_byte_identical_source()
    {
        var first = CompiledFixtures.Emit(GraphOptimizer.Optimize(CompiledFixtures.Load(Fixtures.ResNetBnPruned80)), Fixtures.ResNetBnPruned80);
        var second = CompiledFixtures.Emit(GraphOptimizer.Optimize(CompiledFixtures.Load(Fixtures.ResNetBnPruned80)), Fixtures.ResNetBnPruned80);

        Assert.Equal(first, second);
        Assert.DoesNotContain('\r', first);
    }

    [Fact]
    public void Generated_facts_describe_the_simple_cnn_layer_by_layer()
    {
        var model = CompiledFixtures.Get(Fixtures.SimpleCnnDense).Model;

        var layers = model.Property<System.Collections.Generic.IReadOnlyList<LayerInfo>>("Layers");

        Assert.Equal(new[] { "Conv", "MaxPool", "Conv", "MaxPool", "Reshape", "Dense", "Dense" }, layers.Select(l => l.OpType));
        Assert.Equal(new[] { "SIMD channels", "fused into conv", "SIMD channels", "fused into conv", "", "dense SIMD", "dense SIMD" }, layers.Select(l => l.Strategy));
        Assert.Equal(421_642, model.Constant<long>("Parameters"));
        Assert.Equal(layers.Sum(l => l.SparseMacs), model.Constant<long>("SparseMacs"));
        Assert.Equal(784, model.InputLength);
        Assert.Equal(10, model.OutputLength);
    }

    [Fact]
    public void Every_layer_has_a_header_comment_with_its_strategy()
    {
        var source = CompiledFixtures.Get(Fixtures.SimpleCnnDense).Source;

        Assert.Contains("// Layer 3 · Conv 32→64 3×3 · 0.0 % zero · 3,612,672 MACs kept · SIMD channels\n", source, StringComparison.Ordinal);
        Assert.Contains("// Layer 6 · Dense 3136→128 · 0.0 % zero · 401,408 MACs kept · dense SIMD\n", source, StringComparison.Ordinal);
        Assert.StartsWith("// <auto-generated/>\n", source, StringComparison.Ordinal);
    }

    internal static bool IsZeroLiteral(ExpressionSyntax expression)
    {
        while (expression is PrefixUnaryExpressionSyntax { OperatorToken.Text: "-" or "+" } unary)
        {
            expression = unary.Operand;
        }

        return expression is LiteralExpressionSyntax literal && literal.Token.Value is float or double or int && Convert.ToDouble(literal.Token.Value, System.Globalization.CultureInfo.InvariantCulture) == 0;
    }
}
