using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Pipeline;

/// <summary>
/// Every way a <c>[SparseModel]</c> class can go wrong, run through the compiler's generator driver: each gives exactly
/// its SPG diagnostic, the generator never throws (no CS8785), and where the class can take code the app's uses of the
/// generated API compile, so the SPG error is the only error the build shows.
/// </summary>
public sealed class GeneratorDiagnosticCasesTests
{
    /// <summary>App code that uses every generated member; it must compile against the API of a model that failed.</summary>
    private const string AppUsingTheApi = """
        namespace App;
        internal static class Use
        {
            public static object Everything()
            {
                var input = new float[Net.InputLength];
                var output = new float[Net.OutputLength];
                Net.Predict(input, output);
                Net.Predict(input, output, intraOpThreads: 2);
                Net.PredictBatch(input, output, 1);
                return (Net.InputShape.Length, Net.OutputShape.Length, Net.Parameters, Net.NonZeros, Net.DenseMacs, Net.SparseMacs, Net.Layers);
            }
        }
        """;

    private const string NetClass = """
        using SparseGen;
        namespace App;
        [SparseModel("models/net.onnx")]
        public static partial class Net { }
        """;

    /// <summary>A case: the sources, the model files, the SPG id expected, and the compiler's own errors expected beside it.</summary>
    private sealed record Case(string Expected, string[] Sources, Action<GeneratorHarness> Models, bool AppCompiles, params string[] CompilerErrors);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["model not listed"] = new("SPG001", new[] { NetClass }, h => h.AddModel("models/other.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95)), true),
        ["model missing on disk"] = new("SPG002", new[] { NetClass }, h => h.ListMissingModel("models/net.onnx"), true),
        ["class not partial"] = new("SPG003", new[] { """[SparseGen.SparseModel("models/net.onnx")] public static class Net { }""" }, Mlp, false),
        ["nested class"] = new("SPG004", new[] { """public static partial class Outer { [SparseGen.SparseModel("models/net.onnx")] public static partial class Net { } }""" }, Mlp, false),
        ["generic class"] = new("SPG004", new[] { """[SparseGen.SparseModel("models/net.onnx")] public partial class Net<T> { }""" }, Mlp, false),
        ["empty path"] = new("SPG005", new[] { """namespace App; [SparseGen.SparseModel("")] public static partial class Net { }""" }, Mlp, true),
        ["record"] = new("SPG006", new[] { """[SparseGen.SparseModel("models/net.onnx")] public partial record Net;""" }, Mlp, false),
        // The attribute is for classes: the compiler adds CS0592 for a struct.
        ["struct"] = new("SPG006", new[] { """[SparseGen.SparseModel("models/net.onnx")] public partial struct Net { }""" }, Mlp, false, "CS0592"),
        // The compiler adds CS0579 (the attribute is not AllowMultiple); the code is generated once, from the first.
        ["attribute on two declarations"] = new(
            "SPG007",
            new[] { NetClass, """namespace App; [SparseGen.SparseModel("models/net.onnx")] public static partial class Net { }""" },
            Mlp,
            true,
            "CS0579"),
        ["member InputLength taken"] = new("SPG008", new[] { NetClass, "namespace App; public static partial class Net { public const int InputLength = 3; }" }, Mlp, false),
        ["method Predict taken"] = new(
            "SPG008",
            new[] { NetClass, "namespace App; public static partial class Net { public static void Predict(System.ReadOnlySpan<float> x, System.Span<float> y) { } }" },
            Mlp,
            false),
        ["nested type SparseGenKernels taken"] = new("SPG008", new[] { NetClass, "namespace App; public static partial class Net { private static class SparseGenKernels { } }" }, Mlp, false),
        ["garbage model"] = new("SPG010", new[] { NetClass }, h => h.AddModel("models/net.onnx", new byte[] { 0x0A, 0xFF, 0xFF, 0x03, 0x42 }), true),
        ["unsupported op"] = new("SPG011", new[] { NetClass }, h => h.AddModel("models/net.onnx", UnsupportedOp()), true),
        ["unsupported op with an empty first output"] = new("SPG011", new[] { NetClass }, h => h.AddModel("models/net.onnx", RnnWithoutFirstOutput()), true),
        ["constant reshaped to a shape that holds the batch"] = new("SPG011", new[] { NetClass }, h => h.AddModel("models/net.onnx", ConstantReshapedWithBatch()), true),
        ["shape error"] = new("SPG012", new[] { NetClass }, h => h.AddModel("models/net.onnx", ShapeError()), true),
        ["too many nonzeros"] = new("SPG013", new[] { NetClass }, h => h.AddModel("models/net.onnx", TooLarge()), true),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_case_gives_its_one_SPG_diagnostic_and_no_generator_failure(string name)
    {
        var @case = Cases[name];
        using var harness = new GeneratorHarness();
        @case.Models(harness);
        foreach (var source in @case.Sources.Select((text, index) => (text, index)))
        {
            harness.AddSource(source.text, "Model" + source.index + ".cs");
        }

        if (@case.AppCompiles)
        {
            harness.AddSource(AppUsingTheApi, "App.cs");
        }

        var (_, result, output) = harness.Run();

        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "CS8785");
        var spg = result.Diagnostics.Where(d => d.Id.StartsWith("SPG", StringComparison.Ordinal)).ToArray();
        Assert.True(spg.Length == 1 && spg[0].Id == @case.Expected, $"expected one {@case.Expected}, got: {string.Join(" | ", spg.Select(d => d.ToString()))}");
        Assert.NotEqual(Location.None, spg[0].Location);
        var compilerErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(@case.CompilerErrors.OrderBy(id => id, StringComparer.Ordinal), compilerErrors);
    }

    [Fact]
    public void A_model_that_cannot_be_compiled_gets_an_API_that_throws_with_the_reason()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/net.onnx", UnsupportedOp());
        harness.AddSource(NetClass);

        var (_, result, _) = harness.Run();

        var source = Assert.Single(result.GeneratedTrees).ToString();
        Assert.Contains("throw new global::System.InvalidOperationException(SparseGenError)", source, StringComparison.Ordinal);
        Assert.Contains("SPG011: The model 'models/net.onnx' uses an operation or feature SparseGen does not support: SGM007: op 'Elu' is not supported", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("@event", "App")]
    [InlineData("@class", "@namespace.Models")]
    public void A_class_or_namespace_named_with_a_keyword_compiles(string className, string namespaceName)
    {
        using var harness = new GeneratorHarness();
        Mlp(harness);
        harness.AddSource($$"""
            namespace {{namespaceName}};
            [SparseGen.SparseModel("models/net.onnx")]
            public static partial class {{className}} { }
            internal static class Use
            {
                public static void Run() => {{className}}.Predict(new float[{{className}}.InputLength], new float[{{className}}.OutputLength]);
            }
            """);

        var (_, result, output) = harness.Run();

        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private static void Mlp(GeneratorHarness harness) => harness.AddModel("models/net.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));

    private static byte[] UnsupportedOp()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", BuilderModels.Batched(4));
        builder.Node("Elu", new[] { "x" }, new[] { "y" });
        builder.Output("y", BuilderModels.Batched(4));
        return OnnxWriter.Write(builder.Build());
    }

    /// <summary>As ONNX's test_gru_defaults: the sequence output Y left empty, only the last hidden state Y_h used.</summary>
    private static byte[] RnnWithoutFirstOutput()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", OnnxDimension.Of(1), OnnxDimension.Of(3), OnnxDimension.Of(2));
        builder.Initializer("w", new[] { 1, 15, 2 }, new float[30]);
        builder.Initializer("r", new[] { 1, 15, 5 }, new float[75]);
        builder.Node("GRU", new[] { "x", "w", "r" }, new[] { "", "y" }, OnnxModelBuilder.Attr("hidden_size", 5L));
        builder.Output("y", OnnxDimension.Of(1), OnnxDimension.Of(3), OnnxDimension.Of(5));
        return OnnxWriter.Write(builder.Build());
    }

    /// <summary>A constant reshaped to [batch, −1], the batch read from the input's shape: valid ONNX, not per-sample code.</summary>
    private static byte[] ConstantReshapedWithBatch()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", BuilderModels.Batched(4));
        builder.Initializer("c", new[] { 4 }, new[] { 1f, 2f, 3f, 4f });
        builder.Node("Shape", new[] { "x" }, new[] { "s" });
        builder.Int64Initializer("start", new long[] { 0 });
        builder.Int64Initializer("end", new long[] { 1 });
        builder.Node("Slice", new[] { "s", "start", "end" }, new[] { "n" });
        builder.Int64Initializer("minus1", new long[] { -1 });
        builder.Node("Concat", new[] { "n", "minus1" }, new[] { "target" }, OnnxModelBuilder.Attr("axis", 0L));
        builder.Node("Reshape", new[] { "c", "target" }, new[] { "r" });
        builder.Node("Add", new[] { "x", "r" }, new[] { "y" });
        builder.Output("y", BuilderModels.Batched(4));
        return OnnxWriter.Write(builder.Build());
    }

    private static byte[] ShapeError()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", BuilderModels.Batched(4));
        builder.Initializer("w", new[] { 3, 5 }, new float[15]);
        builder.Node("Gemm", new[] { "x", "w" }, new[] { "y" }, OnnxModelBuilder.Attr("transB", 1L));
        builder.Output("y", BuilderModels.Batched(3));
        return OnnxWriter.Write(builder.Build());
    }

    private static byte[] TooLarge()
    {
        const int inputs = 2_001, outputs = 2_000;
        var builder = new OnnxModelBuilder();
        builder.Input("x", BuilderModels.Batched(inputs));
        builder.Initializer("w", new[] { outputs, inputs }, Enumerable.Repeat(0.5f, inputs * outputs).ToArray());
        builder.Node("Gemm", new[] { "x", "w" }, new[] { "y" }, OnnxModelBuilder.Attr("transB", 1L));
        builder.Output("y", BuilderModels.Batched(outputs));
        return OnnxWriter.Write(builder.Build());
    }
}
