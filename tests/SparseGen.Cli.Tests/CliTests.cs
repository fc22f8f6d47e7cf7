using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using SparseGen.Model.Onnx;

namespace SparseGen.Cli.Tests;

public sealed class CliTests
{
    private static readonly string[] ModelFiles =
    {
        "simplecnn_dense.onnx", "resnet_bn_pruned80.onnx", "mobilenetish_pruned70.onnx", "mobilenetish_pruned70_opset10.onnx", "mlpmix_pruned95.onnx",
    };

    public static TheoryData<string> Models => new(ModelFiles);

    [Fact]
    public void Inspect_json_of_the_simple_cnn_lists_its_four_weight_layers_and_421642_parameters()
    {
        var (exit, stdout, _) = Run("inspect", Fixture("simplecnn_dense.onnx"), "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(new[] { "Conv", "Conv", "Dense", "Dense" }, layers.Select(l => l.GetProperty("op").GetString()));
        Assert.Equal(new long[] { 320, 18_496, 401_536, 1_290 }, layers.Select(l => l.GetProperty("parameters").GetInt64()));
        Assert.Equal(421_642, json.RootElement.GetProperty("totals").GetProperty("parameters").GetInt64());
        Assert.Equal(new[] { 1, 28, 28 }, json.RootElement.GetProperty("input").GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
    }

    [Fact]
    public void Inspect_prints_a_per_layer_table_with_totals()
    {
        var (exit, stdout, _) = Run("inspect", Fixture("simplecnn_dense.onnx"));

        Assert.Equal(0, exit);
        Assert.Contains("/conv2/Conv", stdout, StringComparison.Ordinal);
        Assert.Contains("3,612,672", stdout, StringComparison.Ordinal);
        Assert.Contains("421,642", stdout, StringComparison.Ordinal);
        Assert.Contains("4 weight layers", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_optimized_folds_batchnorm_and_fuses_activations()
    {
        var (_, plain, _) = Run("inspect", Fixture("mlpmix_pruned95.onnx"), "--json");
        var (exit, optimized, _) = Run("inspect", Fixture("mlpmix_pruned95.onnx"), "--json", "--optimized");

        Assert.Equal(0, exit);
        static int Count(string json) => JsonDocument.Parse(json).RootElement.GetProperty("operations").GetArrayLength();
        Assert.True(Count(optimized) < Count(plain), "the optimised graph should have fewer operations");
        Assert.DoesNotContain("BatchNormalization", optimized, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_reports_sparsity_of_a_pruned_model()
    {
        var (_, stdout, _) = Run("inspect", Fixture("mlpmix_pruned95.onnx"), "--json");

        var sparsity = JsonDocument.Parse(stdout).RootElement.GetProperty("totals").GetProperty("sparsity").GetDouble();
        Assert.InRange(sparsity, 0.90, 0.97);
    }

    [Fact]
    public void Inspect_plan_json_gives_every_layer_its_kernel_cost_parts_and_placement()
    {
        var (exit, stdout, stderr) = Run("inspect", Fixture("resnet_bn_pruned80.onnx"), "--plan", "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(1, layers.Length), layers.Select(l => l.GetProperty("number").GetInt32()));
        foreach (var layer in layers)
        {
            var op = layer.GetProperty("op").GetString();
            var hasWeights = op is "Conv" or "Dense";
            // Every layer with weights has a kernel and the cost model's time for it; no other layer has either.
            Assert.Equal(hasWeights, layer.GetProperty("kernel").GetString() is { Length: > 0 });
            Assert.Equal(hasWeights, layer.GetProperty("estimatedMicroseconds").ValueKind == JsonValueKind.Number);
            Assert.True(layer.GetProperty("parts").GetInt32() >= 1);
        }

        // The 28×28 convolutions are worth splitting across intra-op threads; each has its zero-bordered planes.
        var c1 = layers.Single(l => l.GetProperty("name").GetString() == "/l1/c1/Conv");
        Assert.Equal(8, c1.GetProperty("parts").GetInt32());
        Assert.Equal(JsonValueKind.Number, c1.GetProperty("planes").ValueKind);
        Assert.Equal("SIMD sparse table", c1.GetProperty("kernel").GetString());
        Assert.True(json.RootElement.GetProperty("arenaLength").GetInt32() > 16 * 28 * 28 * 2);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("predictMicroseconds").ValueKind);
    }

    [Fact]
    public void Inspect_plan_prints_a_table_of_kernels_and_the_arena()
    {
        var (exit, stdout, _) = Run("inspect", Fixture("mobilenetish_pruned70.onnx"), "--plan");

        Assert.Equal(0, exit);
        Assert.Contains("/block/dw/dw.0/Conv", stdout, StringComparison.Ordinal);
        Assert.Contains("estimated µs", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("measured µs", stdout, StringComparison.Ordinal);
        Assert.Contains("arena ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_plan_measure_compiles_the_model_and_times_every_layer_with_a_kernel()
    {
        var (exit, stdout, stderr) = Run("inspect", Fixture("mobilenetish_pruned70.onnx"), "--plan", "--measure", "--json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("predictMicroseconds").GetDouble() > 0);
        foreach (var layer in json.RootElement.GetProperty("layers").EnumerateArray())
        {
            // A reshape computes nothing and has no method; every other layer is timed.
            var measured = layer.GetProperty("measuredMicroseconds");
            Assert.Equal(layer.GetProperty("op").GetString() != "Reshape", measured.ValueKind == JsonValueKind.Number);
            if (measured.ValueKind == JsonValueKind.Number)
            {
                Assert.True(measured.GetDouble() > 0, $"layer {layer.GetProperty("name")} took no time");
            }
        }
    }

    [Fact]
    public void Measure_needs_plan()
    {
        var (exit, _, stderr) = Run("inspect", Fixture("mobilenetish_pruned70.onnx"), "--measure");

        Assert.Equal(2, exit);
        Assert.Contains("--plan", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Compare_agrees_with_onnx_runtime_on_every_fixture(string model)
    {
        var (exit, stdout, stderr) = Run("compare", Fixture(model), "--samples", "4");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("argmax agrees 4/4", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("DIFFERENT", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_exits_1_when_the_tolerance_cannot_be_met()
    {
        var (exit, _, stderr) = Run("compare", Fixture("simplecnn_dense.onnx"), "--samples", "2", "--tolerance", "0");

        Assert.Equal(1, exit);
        Assert.Contains("differ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_names_the_tool_and_gives_examples_and_exit_codes()
    {
        var (exit, stdout, _) = Run("--help");

        Assert.Equal(0, exit);
        Assert.Contains("sparsegen [command] [options]", stdout, StringComparison.Ordinal);
        Assert.Contains("sparsegen compare model.onnx", stdout, StringComparison.Ordinal);
        Assert.Contains("Exit codes:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("SparseGen.Cli", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_runs_a_model_whose_batch_is_fixed_in_whole_batches_of_that_size()
    {
        // PyTorch's dynamo exporter writes the batch it traced with, here 2; 5 samples are three runs, the last half used.
        var builder = new OnnxModelBuilder();
        builder.Input("x", OnnxDimension.Of(2), OnnxDimension.Of(6));
        builder.Initializer("w", new[] { 3, 6 }, Enumerable.Range(0, 18).Select(i => (i % 5) * 0.25f - 0.5f).ToArray());
        builder.Node("Gemm", new[] { "x", "w" }, new[] { "y" }, OnnxModelBuilder.Attr("transB", 1L));
        builder.Output("y", OnnxDimension.Of(2), OnnxDimension.Of(3));
        var path = TempFile(OnnxWriter.Write(builder.Build()));

        var (exit, stdout, stderr) = Run("compare", path, "--samples", "5");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("batch 2 (fixed by the model)", stdout, StringComparison.Ordinal);
        Assert.Contains("argmax agrees 5/5", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_streams_many_samples_through_batches()
    {
        var (exit, stdout, stderr) = Run("compare", Fixture("mlpmix_pruned95.onnx"), "--samples", "1000");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("1,000 random inputs", stdout, StringComparison.Ordinal);
        Assert.Contains("batches of 256", stdout, StringComparison.Ordinal);
        Assert.Contains("argmax agrees 1000/1000", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Batches_of_a_wide_model_stay_within_one_array_and_the_memory_budget()
    {
        // 16 M floats a sample, near the model layer's limit: 128 samples would be 2.05 G floats, more than an int counts.
        const int length = 16_000_000;
        var graph = Model.Graph.ModelGraph.Create(
            "x", new[] { length }, new Model.Graph.Operation[] { new Model.Graph.ActivationOperation("relu", "x", "y", Model.Graph.Activation.Relu) }, "y", Model.Graph.ModelInfo.Empty);

        var batch = CompareCommand.BatchFor(graph, 128);

        Assert.InRange(batch, 1, 2);
        Assert.True((long)batch * length <= int.MaxValue);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10000001")]
    public void Compare_refuses_a_sample_count_out_of_range(string samples)
    {
        var (exit, stdout, stderr) = Run("compare", Fixture("mlpmix_pruned95.onnx"), "--samples", samples);

        Assert.Equal(2, exit);
        Assert.Contains("--samples must be between 1 and 10,000,000", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Missing_file_exits_2_with_a_message()
    {
        var (exit, _, stderr) = Run("inspect", Path.Combine(AppContext.BaseDirectory, "nope.onnx"));

        Assert.Equal(2, exit);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_model_exits_2_with_the_error_id()
    {
        var path = TempFile(File.ReadAllBytes(Fixture("mobilenetish_pruned70.onnx")).AsSpan(0, 5000).ToArray());

        var (exit, stdout, stderr) = Run("compare", path);

        Assert.Equal(2, exit);
        Assert.Contains("SGM001", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Unsupported_op_exits_2_naming_the_op()
    {
        var builder = new OnnxModelBuilder();
        builder.Input("x", OnnxDimension.Symbol("batch"), OnnxDimension.Of(4));
        builder.Node("Elu", new[] { "x" }, new[] { "y" });
        builder.Output("y", OnnxDimension.Symbol("batch"), OnnxDimension.Of(4));
        var path = TempFile(OnnxWriter.Write(builder.Build()));

        var (exit, _, stderr) = Run("inspect", path);

        Assert.Equal(2, exit);
        Assert.Contains("SGM007", stderr, StringComparison.Ordinal);
        Assert.Contains("'Elu'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_option_exits_2()
    {
        var (exit, _, stderr) = Run("inspect", Fixture("simplecnn_dense.onnx"), "--frobnicate");

        Assert.Equal(2, exit);
        Assert.Contains("--frobnicate", stderr, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static string TempFile(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sparsegen-cli-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
