using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Onnx;

public sealed class OnnxMutationFuzzTests
{
    [Fact]
    public void Mutated_models_are_read_or_rejected_with_a_model_error_and_nothing_else()
    {
        var samples = new List<FuzzSample>();
        samples.AddRange(BuilderModels.Runnable().Select(m => new FuzzSample(m.Name, m.Bytes(), 450)));
        samples.Add(new FuzzSample(nameof(BuilderModels.EveryFieldKind), OnnxWriter.Write(BuilderModels.EveryFieldKind()), 400));
        samples.Add(new FuzzSample(Fixtures.MobileNetishPruned70, Fixtures.Bytes(Fixtures.MobileNetishPruned70), 200));
        samples.Add(new FuzzSample(Fixtures.MobileNetishPruned70Opset10, Fixtures.Bytes(Fixtures.MobileNetishPruned70Opset10), 100));
        samples.Add(new FuzzSample(Fixtures.ResNetBnPruned80, Fixtures.Bytes(Fixtures.ResNetBnPruned80), 60));
        samples.Add(new FuzzSample(Fixtures.MlpMixPruned95, Fixtures.Bytes(Fixtures.MlpMixPruned95), 24));
        samples.Add(new FuzzSample(Fixtures.SimpleCnnDense, Fixtures.Bytes(Fixtures.SimpleCnnDense), 16));

        var result = new MutationFuzzer(seed: 1729).Run(samples, ReadWriteAndDecode);

        Assert.True(result.Failures.Count == 0, result.Report());
        Assert.True(result.Cases >= 3000, $"only {result.Cases} cases ran");
        Assert.True(result.Accepted > 100 && result.Rejected > 1000, $"{result.Accepted} read and {result.Rejected} rejected: the mutations do not reach both outcomes");
    }

    [Fact]
    public void Fuzzer_reports_an_unexpected_exception_with_its_seed_case_and_mutation()
    {
        var samples = new[] { new FuzzSample("small", BuilderModels.MlpSoftmax().Bytes(), 10) };

        var result = new MutationFuzzer(seed: 5).Run(samples, bytes => throw new InvalidOperationException("boom"));

        Assert.Equal(10, result.Failures.Count);
        var first = result.Failures[0];
        Assert.Equal((5, "small", 0), (first.Seed, first.Sample, first.Case));
        Assert.Equal(new MutationFuzzer(5).Case(samples, 0, 0).Input, first.Input);
        Assert.Contains("seed 5, sample small, case 0", result.Report(), StringComparison.Ordinal);
        Assert.Contains("boom", result.Report(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Read; when that succeeds, the writer must accept the result, be a fixed point after one
    /// normalisation, and every float or int tensor must decode or be rejected as a model error.
    /// </summary>
    private static void ReadWriteAndDecode(byte[] bytes)
    {
        var model = OnnxReader.Read(bytes);
        var written = OnnxWriter.Write(model);
        var rewritten = OnnxWriter.Write(OnnxReader.Read(written));
        if (!written.AsSpan().SequenceEqual(rewritten))
        {
            throw new InvalidOperationException("write(read(write(read(bytes)))) differs from write(read(bytes))");
        }

        foreach (var tensor in model.Graph!.Initializers)
        {
            DecodeOrReject(tensor);
        }

        foreach (var attribute in model.Graph.Nodes.SelectMany(n => n.Attributes))
        {
            if (attribute.T is { } tensor)
            {
                DecodeOrReject(tensor);
            }
        }
    }

    private static void DecodeOrReject(OnnxTensorProto tensor)
    {
        try
        {
            if (tensor.DataType is OnnxDataType.Int64 or OnnxDataType.Int32)
            {
                OnnxTensors.ToInt64s(tensor);
            }
            else
            {
                OnnxTensors.ToFloats(tensor);
            }
        }
        catch (ModelException)
        {
            // A rejected tensor is a fine outcome; the model as a whole was still read.
        }
    }
}
