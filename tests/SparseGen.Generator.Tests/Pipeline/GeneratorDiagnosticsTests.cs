using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Pipeline;

/// <summary>Every failure is a diagnostic on the attribute, with an id and a message that says what to do.</summary>
public sealed class GeneratorDiagnosticsTests
{
    private const string NetClass = """
        using SparseGen;
        namespace App;
        [SparseModel("models/net.onnx")]
        public static partial class Net { }
        """;

    [Fact]
    public void Model_not_listed_in_the_project_is_SPG001_and_names_the_item_to_add()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/other.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddSource(NetClass);

        var diagnostic = Single(harness, "SPG001");

        Assert.Contains("<SparseModel Include=\"models", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("other.onnx", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var span = diagnostic.Location.GetLineSpan();
        Assert.EndsWith("Model.cs", span.Path, StringComparison.Ordinal);
        Assert.Equal(2, span.StartLinePosition.Line);
    }

    [Fact]
    public void Listed_model_missing_on_disk_is_SPG002()
    {
        using var harness = new GeneratorHarness();
        harness.ListMissingModel("models/net.onnx");
        harness.AddSource(NetClass);

        Assert.Contains("does not exist", Single(harness, "SPG002").GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Class_that_is_not_partial_is_SPG003()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/net.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddSource("""
            using SparseGen;
            [SparseModel("models/net.onnx")]
            public static class Net { }
            """);

        Assert.Contains("'Net'", Single(harness, "SPG003").GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public static partial class Outer { [SparseGen.SparseModel(\"models/net.onnx\")] public static partial class Net { } }", "nested")]
    [InlineData("[SparseGen.SparseModel(\"models/net.onnx\")] public partial class Net<T> { }", "generic")]
    public void Nested_or_generic_class_is_SPG004(string source, string reason)
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/net.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddSource(source);

        Assert.Contains(reason, Single(harness, "SPG004").GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_model_path_is_SPG005()
    {
        using var harness = new GeneratorHarness();
        harness.AddSource("""[SparseGen.SparseModel("")] public static partial class Net { }""");

        Assert.Contains("needs the model file's path", Single(harness, "SPG005").GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_model_is_SPG010_with_the_model_layer_error_and_never_an_exception()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/net.onnx", new byte[] { 0x0A, 0xFF, 0xFF, 0x03, 0x42 });
        harness.AddSource(NetClass);

        var message = Single(harness, "SPG010").GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains("SGM", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_op_is_SPG011_naming_op_node_and_supported_list()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", BuilderModels.Batched(4));
        builder.Node("Elu", new[] { "x" }, new[] { "y" });
        builder.Output("y", BuilderModels.Batched(4));
        using var harness = new GeneratorHarness();
        harness.AddModel("models/net.onnx", OnnxWriter.Write(builder.Build()));
        harness.AddSource(NetClass);

        var message = Single(harness, "SPG011").GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains("'Elu'", message, StringComparison.Ordinal);
        Assert.Contains("Elu_0", message, StringComparison.Ordinal);
        Assert.Contains("Conv", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shape_error_is_SPG012()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", BuilderModels.Batched(4));
        builder.Initializer("w", new[] { 3, 5 }, new float[15]);
        builder.Node("Gemm", new[] { "x", "w" }, new[] { "y" }, OnnxModelBuilder.Attr("transB", 1L));
        builder.Output("y", BuilderModels.Batched(3));
        using var harness = new GeneratorHarness();
        harness.AddModel("models/net.onnx", OnnxWriter.Write(builder.Build()));
        harness.AddSource(NetClass);

        Assert.Contains("features", Single(harness, "SPG012").GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_with_more_nonzeros_than_one_class_can_hold_is_SPG013()
    {
        const int inputs = 2_001, outputs = 2_000;
        var builder = new OnnxModelBuilder();
        builder.Input("x", BuilderModels.Batched(inputs));
        builder.Initializer("w", new[] { outputs, inputs }, Enumerable.Repeat(0.5f, inputs * outputs).ToArray());
        builder.Node("Gemm", new[] { "x", "w" }, new[] { "y" }, OnnxModelBuilder.Attr("transB", 1L));
        builder.Output("y", BuilderModels.Batched(outputs));
        using var harness = new GeneratorHarness();
        harness.AddModel("models/net.onnx", OnnxWriter.Write(builder.Build()));
        harness.AddSource(NetClass);

        Assert.Contains("4,002,000", Single(harness, "SPG013").GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Layer_too_large_to_unroll_reports_SPG020_as_information()
    {
        var builder = new OnnxModelBuilder();
        // 24,000 nonzeros (over the unrolling limit) at 97 % zeros (too sparse for a dense SIMD table).
        builder.Input("x", BuilderModels.Batched(2_000));
        builder.Initializer("w", new[] { 400, 2_000 }, RandomData.SparseWeights(3, 800_000, 0.97));
        builder.Node("Gemm", new[] { "x", "w" }, new[] { "y" }, OnnxModelBuilder.Attr("transB", 1L));
        builder.Output("y", BuilderModels.Batched(400));
        using var harness = new GeneratorHarness();
        harness.AddModel("models/net.onnx", OnnxWriter.Write(builder.Build()));
        harness.AddSource(NetClass);

        var (_, result, output) = harness.Run();

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "SPG020");
        Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
        Assert.Contains("Gemm_0", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static Diagnostic Single(GeneratorHarness harness, string id)
    {
        var (_, result, _) = harness.Run();
        Assert.Null(result.Results.Select(r => r.Exception).FirstOrDefault(e => e is not null));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "CS8785");
        var matching = result.Diagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(matching.Length == 1, $"expected one {id}, got: {string.Join(" | ", result.Diagnostics)}");
        Assert.NotEqual(Location.None, matching[0].Location);
        return matching[0];
    }
}
