using System.Diagnostics;
using System.Linq;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>The PyTorch-made fixtures, compiled to C#, agree with ONNX Runtime, the reference evaluator and PyTorch.</summary>
public sealed class FixtureModelTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllFiles => Fixtures.OnnxFileData;

    public static TheoryData<string> FilesWithIo => Fixtures.FilesWithIoData;

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Generated_code_matches_onnx_runtime_and_reference_evaluator(string file)
    {
        var watch = Stopwatch.StartNew();
        var fixture = CompiledFixtures.Get(file);
        output.WriteLine($"{file}: {fixture.Source.Length:N0} chars of source, emitted and compiled in {watch.ElapsedMilliseconds} ms");
        const int batch = 2;
        var input = RandomData.Floats(7, batch * fixture.Original.InputLength, -1f, 1f);

        var actual = fixture.Model.PredictEach(input, batch);

        Close.Assert(OnnxRuntimeOracle.Run(Fixtures.Bytes(file), input, new[] { batch }.Concat(fixture.Original.InputShape).ToArray()), actual, "vs ONNX Runtime");
        Close.Assert(ReferenceEvaluator.Run(fixture.Original, input, batch), actual, "vs reference evaluator");
    }

    [Theory]
    [MemberData(nameof(FilesWithIo))]
    public void Generated_code_matches_pytorch_outputs(string file)
    {
        var io = Fixtures.LoadIo(file);
        var model = CompiledFixtures.Get(file).Model;

        var actual = new float[io.Outputs.Length];
        model.PredictBatch(io.Inputs, actual, io.BatchSize);

        Close.Assert(io.Outputs, actual, "vs PyTorch");
    }
}
