using System;
using System.Collections;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SparseGen.Generator.Tests.Emitting;
using SparseGen.Model.Tests.Conformance;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Pipeline;

/// <summary>The generator inside the compiler: what it generates, and that unchanged models cost nothing.</summary>
public sealed class GeneratorPipelineTests
{
    private const string MlpClass = """
        using SparseGen;
        namespace App.Models
        {
            [SparseModel("models/mlp.onnx")]
            internal static partial class Mlp { }
        }
        """;

    [Fact]
    public void Generated_model_compiles_and_equals_onnx_runtime()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/mlp.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddSource(MlpClass);

        var (_, result, output) = harness.Run();

        Assert.Empty(result.Diagnostics);
        Assert.Equal("App.Models.Mlp.Cpu.g.cs", Assert.Single(result.GeneratedTrees).FilePath.Split('/', '\\').Last());
        var model = Load(output, "App.Models.Mlp");
        var io = Fixtures.LoadIo(Fixtures.MlpMixPruned95);
        Close.Assert(io.Outputs, model.PredictEach(io.Inputs, io.BatchSize), "PyTorch");
        Close.Assert(OnnxRuntimeOracle.Run(Fixtures.Bytes(Fixtures.MlpMixPruned95), io.Inputs, io.InputShape), model.PredictEach(io.Inputs, io.BatchSize), "ONNX Runtime");
    }

    [Fact]
    public void Several_models_and_one_model_under_two_names_in_one_project()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/mlp.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddModel("models/mobile.onnx", Fixtures.Bytes(Fixtures.MobileNetishPruned70));
        harness.AddSource("""
            using SparseGen;
            [SparseModel("models/mlp.onnx")] public partial class First { }
            [SparseModel("models/mlp.onnx")] public partial class Second { }
            [SparseModel("models/mobile.onnx")] public static partial class Mobile { }
            """);

        var (_, result, output) = harness.Run();

        Assert.Empty(result.Diagnostics);
        Assert.Equal(3, result.GeneratedTrees.Length);
        var input = RandomData.Floats(5, 784);
        var first = Load(output, "First");
        var second = Load(output, "Second");
        Assert.Equal(first.PredictEach(input, 1), second.PredictEach(input, 1));
        Assert.Equal(10, Load(output, "Mobile").OutputLength);
    }

    [Fact]
    public void Model_with_external_data_reads_its_side_file()
    {
        using var harness = new GeneratorHarness();
        var model = SparseGen.Model.Onnx.OnnxReader.Read(Fixtures.Bytes(Fixtures.MlpMixPruned95));
        var (bytes, data) = SparseGen.Model.Onnx.OnnxWriter.WriteWithExternalData(model, "mlp.weights");
        harness.AddModel("models/mlp.onnx", bytes);
        harness.AddModel("models/mlp.weights", data, listInProject: false);
        harness.AddSource(MlpClass);

        var (_, result, output) = harness.Run();

        Assert.Empty(result.Diagnostics);
        var io = Fixtures.LoadIo(Fixtures.MlpMixPruned95);
        Close.Assert(io.Outputs, Load(output, "App.Models.Mlp").PredictEach(io.Inputs, io.BatchSize), "PyTorch");
    }

    [Fact]
    public void Missing_side_file_is_a_model_diagnostic_naming_it()
    {
        using var harness = new GeneratorHarness();
        var model = SparseGen.Model.Onnx.OnnxReader.Read(Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddModel("models/mlp.onnx", SparseGen.Model.Onnx.OnnxWriter.WriteWithExternalData(model, "mlp.weights").Model);
        harness.AddSource(MlpClass);

        var (_, result, _) = harness.Run();

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("SPG010", diagnostic.Id);
        Assert.Contains("mlp.weights", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Absolute_model_path_resolves_too()
    {
        using var harness = new GeneratorHarness();
        var path = harness.AddModel("models/mlp.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddSource($$"""[SparseGen.SparseModel(@"{{path}}")] public static partial class Net { }""");

        var (_, result, _) = harness.Run();

        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedTrees);
    }

    [Fact]
    public void Second_run_with_the_same_inputs_is_all_cached()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/mlp.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddSource(MlpClass);
        var compilation = harness.CreateCompilation();
        var (driver, first, _) = harness.Run(compilation);

        var (_, second, _) = harness.Run(compilation.Clone(), driver);

        foreach (var name in new[] { TrackingNames.Requests, TrackingNames.ModelFiles, TrackingNames.LoadedModels, TrackingNames.ModelPaths, TrackingNames.Keys, TrackingNames.ClassModels, TrackingNames.Generated, TrackingNames.Sources })
        {
            var reasons = second.Results[0].TrackedSteps[name].SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {reason}"));
        }

        Assert.Equal(first.GeneratedTrees.Single().ToString(), second.GeneratedTrees.Single().ToString());
    }

    [Fact]
    public void Adding_unrelated_code_or_moving_the_attribute_does_not_regenerate()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/mlp.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddSource(MlpClass);
        var compilation = harness.CreateCompilation();
        var (driver, _, _) = harness.Run(compilation);
        var moved = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText("\n\n// moved down\n" + MlpClass, (CSharpParseOptions)compilation.SyntaxTrees.Single().Options, compilation.SyntaxTrees.Single().FilePath))
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace App { internal sealed class Unrelated { } }", (CSharpParseOptions)compilation.SyntaxTrees.Single().Options));

        var (_, second, _) = harness.Run(moved, driver);

        var generated = second.Results[0].TrackedSteps[TrackingNames.Generated].SelectMany(step => step.Outputs).Select(output => output.Reason);
        Assert.All(generated, reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    [Fact]
    public void Changed_model_bytes_regenerate()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/mlp.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddSource(MlpClass);
        var compilation = harness.CreateCompilation();
        var (driver, first, _) = harness.Run(compilation);
        driver = harness.ReplaceModel(driver, "models/mlp.onnx", Fixtures.Bytes(Fixtures.MobileNetishPruned70));

        var (_, second, _) = harness.Run(compilation.Clone(), driver);

        var reasons = second.Results[0].TrackedSteps[TrackingNames.Generated].SelectMany(step => step.Outputs).Select(output => output.Reason);
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.NotEqual(first.GeneratedTrees.Single().ToString(), second.GeneratedTrees.Single().ToString());
        Assert.Contains("depthwise", second.GeneratedTrees.Single().ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Editing_one_model_loads_and_generates_only_the_classes_that_name_it()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/mlp.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddModel("models/mobile.onnx", Fixtures.Bytes(Fixtures.MobileNetishPruned70));
        harness.AddSource("""
            using SparseGen;
            [SparseModel("models/mlp.onnx")] public static partial class First { }
            [SparseModel("models/mlp.onnx")] public static partial class Second { }
            [SparseModel("models/mobile.onnx")] public static partial class Mobile { }
            """);
        // With ILGPU and the GPU runtime referenced, so that the GPU code shares the loaded models too.
        var compilation = (CSharpCompilation)harness.CreateCompilation().AddReferences(Gpu.GpuCompiler.References.Value);
        var (driver, first, _) = harness.Run(compilation);
        Assert.Single(first.Results[0].TrackedSteps[TrackingNames.LoadedModels], step => step.Outputs.Single().Value is Model.LoadedModel { Path: var path } && path.EndsWith("mlp.onnx", StringComparison.Ordinal));
        driver = harness.ReplaceModel(driver, "models/mobile.onnx", OpCases.Get("Conv_3x3_pad1").Build());

        var (_, second, output) = harness.Run(compilation, driver);

        var steps = second.Results[0].TrackedSteps;
        Assert.Equal(2, steps[TrackingNames.LoadedModels].Length);
        Assert.Equal(IncrementalStepRunReason.Cached, Reason<Model.LoadedModel>(steps[TrackingNames.LoadedModels], m => m.Path.EndsWith("mlp.onnx", StringComparison.Ordinal)));
        Assert.Equal(IncrementalStepRunReason.Modified, Reason<Model.LoadedModel>(steps[TrackingNames.LoadedModels], m => m.Path.EndsWith("mobile.onnx", StringComparison.Ordinal)));
        foreach (var name in new[] { "First", "Second" })
        {
            Assert.True(Reason<Model.ClassModel>(steps[TrackingNames.ClassModels], c => c.Key.ClassName == name) is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached);
            Assert.Equal(IncrementalStepRunReason.Cached, Reason<Model.GenerationResult>(steps[TrackingNames.Generated], r => r.Key.ClassName == name));
            Assert.Equal(IncrementalStepRunReason.Cached, Reason<Model.GenerationResult>(steps[TrackingNames.GeneratedGpu], r => r.Key.ClassName == name));
        }

        Assert.Equal(IncrementalStepRunReason.Modified, Reason<Model.GenerationResult>(steps[TrackingNames.Generated], r => r.Key.ClassName == "Mobile"));
        Assert.Equal(IncrementalStepRunReason.Modified, Reason<Model.GenerationResult>(steps[TrackingNames.GeneratedGpu], r => r.Key.ClassName == "Mobile"));
        Assert.Equal(6, second.GeneratedTrees.Length);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>The run reason of the one output of <paramref name="steps"/> whose value matches.</summary>
    private static IncrementalStepRunReason Reason<T>(System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep> steps, Func<T, bool> match) =>
        steps.SelectMany(step => step.Outputs).Single(output => output.Value is T value && match(value)).Reason;

    [Fact]
    public void Pipeline_values_hold_no_symbols_syntax_or_compilations()
    {
        using var harness = new GeneratorHarness();
        harness.AddModel("models/mlp.onnx", Fixtures.Bytes(Fixtures.MlpMixPruned95));
        harness.AddSource(MlpClass);

        var (_, result, _) = harness.Run();

        var ours = typeof(TrackingNames).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();
        foreach (var (name, steps) in result.Results[0].TrackedSteps.Where(step => ours.Contains(step.Key)))
        {
            foreach (var (value, _) in steps.SelectMany(step => step.Outputs))
            {
                AssertNoRoslynObjects(value, name, depth: 0);
            }
        }
    }

    private static void AssertNoRoslynObjects(object? value, string step, int depth)
    {
        if (value is null || depth > 6 || value is string || value.GetType().IsPrimitive || value is byte[] || value is DiagnosticDescriptor)
        {
            return;
        }

        Assert.False(value is Compilation or ISymbol or SyntaxNode or SyntaxTree or SemanticModel, $"step {step} holds a {value.GetType().Name}");
        if (value is IEnumerable sequence)
        {
            foreach (var item in sequence)
            {
                AssertNoRoslynObjects(item, step, depth + 1);
            }

            return;
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoRoslynObjects(field.GetValue(value), step, depth + 1);
        }
    }

    private static CompiledModel Load(Compilation output, string typeName)
    {
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join("\n", errors.Take(10)));
        var sources = output.SyntaxTrees.Select(tree => (tree.FilePath, tree.ToString()));
        var assembly = GeneratedModelCompiler.Compile("Consumer" + Guid.NewGuid().ToString("N"), sources);
        return new CompiledModel(assembly.GetType(typeName, throwOnError: true)!);
    }
}
