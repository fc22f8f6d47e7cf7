using System;
using System.Linq;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Onnx;

public sealed class OnnxRuntimeLoadsWrittenModelsTests
{
    private const int Batch = 3;

    [Theory]
    [MemberData(nameof(BuilderModels.RunnableNames), MemberType = typeof(BuilderModels))]
    public void Builder_model_loads_and_runs_with_a_batch(string name)
    {
        var model = BuilderModels.Get(name);
        var inputShape = new[] { Batch }.Concat(model.InputShape).ToArray();
        var input = RandomData.Floats(42, inputShape.Aggregate(1, (a, b) => a * b));

        var (output, outputShape) = OnnxRuntimeOracle.RunWithShape(model.Bytes(), input, inputShape);

        Assert.Equal(Batch * model.OutputElementsPerSample, output.Length);
        Assert.Equal(Batch, outputShape[0]);
        Assert.All(output, value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void Builder_gemm_relu_softmax_matches_the_same_arithmetic_done_by_hand()
    {
        var model = BuilderModels.MlpSoftmax();
        var weights = model.Model.Graph!.Initializers.ToDictionary(t => t.Name, t => OnnxTensors.ToFloats(t));
        var input = RandomData.Floats(7, Batch * 8);

        var output = OnnxRuntimeOracle.Run(model.Bytes(), input, new[] { Batch, 8 });

        for (var sample = 0; sample < Batch; sample++)
        {
            var x = input.AsSpan(sample * 8, 8).ToArray();
            var hidden = Dense(x, weights["w1"], weights["b1"], 5).Select(v => Math.Max(v, 0f)).ToArray();
            var logits = Dense(hidden, weights["w2"], weights["b2"], 3);
            var exp = logits.Select(v => Math.Exp(v - logits.Max())).ToArray();
            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(exp[j] / exp.Sum(), output[(sample * 3) + j], 5);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures.FilesWithIoData), MemberType = typeof(Fixtures))]
    public void Fixture_rewritten_by_the_writer_gives_the_same_outputs_as_the_original_and_as_pytorch(string fixture)
    {
        var original = Fixtures.Bytes(fixture);
        var rewritten = OnnxWriter.Write(OnnxReader.Read(original));
        var io = Fixtures.LoadIo(fixture);

        var expected = OnnxRuntimeOracle.Run(original, io.Inputs, io.InputShape);
        var actual = OnnxRuntimeOracle.Run(rewritten, io.Inputs, io.InputShape);

        Assert.Equal(expected, actual);
        Assert.Equal(io.Outputs.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(io.Outputs[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(io.Outputs[i])), $"output {i}: PyTorch {io.Outputs[i]}, ONNX Runtime {actual[i]}");
        }
    }

    [Fact]
    public void Oracle_names_the_single_input_and_output()
    {
        var names = OnnxRuntimeOracle.SingleInputOutputNames(Fixtures.Bytes(Fixtures.ResNetBnPruned80));

        Assert.Equal(("input", "output"), names);
    }

    private static float[] Dense(float[] x, float[] weight, float[] bias, int outputs)
    {
        var y = new float[outputs];
        for (var o = 0; o < outputs; o++)
        {
            var sum = bias[o];
            for (var i = 0; i < x.Length; i++)
            {
                sum += weight[(o * x.Length) + i] * x[i];
            }

            y[o] = sum;
        }

        return y;
    }
}
