using System;
using System.Linq;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>The generated Predict of every op case and IR model equals the reference evaluator and ONNX Runtime, in every variant.</summary>
public sealed class GeneratedCodeConformanceTests
{
    private const int Batch = 3;

    public static TheoryData<string> Cases => EmitterCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Predict_matches_reference_evaluator_and_onnx_runtime(string name)
    {
        var model = EmitterCases.Get(name);
        var input = Input(name, Batch * model.Original.InputLength);
        var reference = ReferenceEvaluator.Run(model.Original, input, Batch);

        var actual = CompiledCases.Get(name, EmitVariant.Default).PredictEach(input, Batch);

        Close.Assert(reference, actual, "vs reference evaluator");
        if (model.Onnx is not null)
        {
            var onnxRuntime = OnnxRuntimeOracle.Run(model.Onnx, input, new[] { Batch }.Concat(model.Original.InputShape).ToArray());
            Close.Assert(onnxRuntime, actual, "vs ONNX Runtime");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sparse_tables_compute_what_unrolled_code_computes(string name)
    {
        var input = Input(name, Batch * EmitterCases.Get(name).Original.InputLength);

        var unrolled = CompiledCases.Get(name, EmitVariant.Default).PredictEach(input, Batch);
        var tables = CompiledCases.Get(name, EmitVariant.SparseTables).PredictEach(input, Batch);

        Close.Assert(unrolled, tables, "sparse tables vs unrolled");
    }

    /// <summary>Every strategy forced on every Conv and Dense, and the SIMD kernels at each width (the scalar path included).</summary>
    public static TheoryData<string, EmitVariant> StrategyCases
    {
        get
        {
            var data = new TheoryData<string, EmitVariant>();
            foreach (var model in EmitterCases.All)
            {
                foreach (var variant in new[]
                {
                    EmitVariant.ScalarUnrolled, EmitVariant.SimdTable, EmitVariant.SimdUnrolled, EmitVariant.SimdUnrolledSmallMethods,
                    EmitVariant.ScalarLanesOnly, EmitVariant.Vector128Only, EmitVariant.Vector256Only, EmitVariant.PooledTablesVector256Only,
                    EmitVariant.SimdChannels, EmitVariant.SimdChannelsScalarLanesOnly, EmitVariant.SimdChannelsVector128Only,
                    EmitVariant.Blocks, EmitVariant.BlocksVector128Only, EmitVariant.BlocksScalarLanesOnly,
                })
                {
                    data.Add(model.Name, variant);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(StrategyCases))]
    public void Each_strategy_and_lane_width_matches_reference_evaluator(string name, EmitVariant variant)
    {
        var model = EmitterCases.Get(name);
        var input = Input(name, Batch * model.Original.InputLength);
        var reference = ReferenceEvaluator.Run(model.Original, input, Batch);

        var actual = CompiledCases.Get(name, variant).PredictEach(input, Batch);

        Close.Assert(reference, actual, variant + " vs reference evaluator");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layers_cut_into_many_small_methods_compute_the_same(string name)
    {
        var input = Input(name, Batch * EmitterCases.Get(name).Original.InputLength);

        var whole = CompiledCases.Get(name, EmitVariant.Default).PredictEach(input, Batch);
        var parts = CompiledCases.Get(name, EmitVariant.SmallMethods).PredictEach(input, Batch);

        Close.Assert(whole, parts, "small methods vs default");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PredictBatch_equals_predict_per_sample(string name)
    {
        var model = CompiledCases.Get(name, EmitVariant.Default);
        const int batch = 5;
        var input = Input(name, batch * model.InputLength);
        var outputs = new float[batch * model.OutputLength];

        model.PredictBatch(input, outputs, batch);

        Assert.Equal(model.PredictEach(input, batch), outputs);
    }

    /// <summary>
    /// PredictBatch's fully connected tail runs with the samples in SIMD lanes in the order each per-sample kernel sums:
    /// every strategy and lane width, one sample, groups of up to 16 (and what the second core gets), a partial group.
    /// </summary>
    public static TheoryData<string, EmitVariant, int> BatchCases => EveryCaseWith(
        (EmitVariant.ScalarUnrolled, 1), (EmitVariant.SparseTables, 19), (EmitVariant.SimdTable, 40),
        (EmitVariant.ScalarLanesOnly, 7), (EmitVariant.Vector128Only, 37), (EmitVariant.Vector256Only, 13),
        (EmitVariant.Blocks, 21), (EmitVariant.BlocksVector128Only, 18), (EmitVariant.BlocksScalarLanesOnly, 5));

    [Theory]
    [MemberData(nameof(BatchCases))]
    public void PredictBatch_with_the_tail_in_lanes_equals_predict_bit_for_bit(string name, EmitVariant variant, int batch)
    {
        var model = CompiledCases.Get(name, variant);
        var input = Input(name, batch * model.InputLength);
        var outputs = new float[batch * model.OutputLength];

        model.PredictBatch(input, outputs, batch);

        Assert.Equal(model.PredictEach(input, batch), outputs);
    }

    /// <summary>Predict with intra-op threads runs the same parts side by side: every strategy, parts cut small, two and five threads.</summary>
    public static TheoryData<string, EmitVariant, int> ThreadedCases => EveryCaseWith(
        (EmitVariant.Default, 2), (EmitVariant.SimdTable, 5), (EmitVariant.SimdUnrolledSmallMethods, 2),
        (EmitVariant.SmallMethods, 5), (EmitVariant.SimdChannels, 2), (EmitVariant.ScalarUnrolled, 2), (EmitVariant.Blocks, 3));

    [Theory]
    [MemberData(nameof(ThreadedCases))]
    public void Predict_with_intra_op_threads_equals_predict_bit_for_bit(string name, EmitVariant variant, int threads)
    {
        var model = CompiledCases.Get(name, variant);
        var input = Input(name, Batch * model.InputLength);
        var expected = model.PredictEach(input, Batch);
        var actual = new float[Batch * model.OutputLength];

        // Several rounds: the parts land on different threads from call to call.
        for (var round = 0; round < 3; round++)
        {
            for (var sample = 0; sample < Batch; sample++)
            {
                model.PredictThreaded(input.AsSpan(sample * model.InputLength, model.InputLength), actual.AsSpan(sample * model.OutputLength, model.OutputLength), threads);
            }

            Assert.Equal(expected, actual);
        }
    }

    /// <summary>Every case with each (variant, count) pair.</summary>
    private static TheoryData<string, EmitVariant, int> EveryCaseWith(params (EmitVariant Variant, int Count)[] settings)
    {
        var data = new TheoryData<string, EmitVariant, int>();
        foreach (var model in EmitterCases.All)
        {
            foreach (var (variant, count) in settings)
            {
                data.Add(model.Name, variant, count);
            }
        }

        return data;
    }

    /// <summary>The strategy variants with the planner's defaults, scalar tables and small methods: every kernel family.</summary>
    public static TheoryData<string, EmitVariant> EveryVariantCases
    {
        get
        {
            var data = new TheoryData<string, EmitVariant>();
            foreach (var model in EmitterCases.All)
            {
                foreach (var variant in Enum.GetValues<EmitVariant>())
                {
                    data.Add(model.Name, variant);
                }
            }

            return data;
        }
    }

    /// <summary>
    /// NaN, ±∞, huge values and −0 reach the outputs as the reference takes them, in every strategy and lane width: a NaN
    /// reaches every output it reaches through a nonzero weight, and no other but through a zero weight that a kernel
    /// multiplies as ONNX Runtime does.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryVariantCases))]
    public void NaN_and_infinities_reach_the_outputs_as_in_the_reference_in_every_strategy_and_lane_width(string name, EmitVariant variant)
    {
        var model = EmitterCases.Get(name);
        var input = SpecialInput(name, model.Original.InputLength);
        var skipped = ReferenceEvaluator.Run(model.Original, input, SpecialBatch, ZeroWeights.Skipped);
        var multiplied = ReferenceEvaluator.Run(model.Original, input, SpecialBatch, ZeroWeights.Multiplied);

        var actual = CompiledCases.Get(name, variant).PredictEach(input, SpecialBatch);

        SpecialValues.AssertWithinZeroWeightBounds(skipped, multiplied, actual, variant + " on NaN, ±∞ and huge inputs");
    }

    /// <summary>
    /// Where ONNX Runtime's output is a number or an infinity, the generated code's is the same: skipping a zero weight
    /// can only keep a NaN out. Max pooling keeps every NaN (ONNX Runtime's drops some) and gives −∞ for a window of −∞
    /// (ONNX Runtime float.MinValue): its cases are compared on the samples without NaN, −∞ read as float.MinValue.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void NaN_and_infinities_give_what_onnx_runtime_gives_wherever_it_gives_a_number(string name)
    {
        var model = EmitterCases.Get(name);
        if (model.Onnx is null)
        {
            return;
        }

        var input = SpecialInput(name, model.Original.InputLength);
        var onnxRuntime = OnnxRuntimeOracle.Run(model.Onnx, input, new[] { SpecialBatch }.Concat(model.Original.InputShape).ToArray());
        var actual = CompiledCases.Get(name, EmitVariant.Default).PredictEach(input, SpecialBatch);

        var maxPool = name.StartsWith("MaxPool", StringComparison.Ordinal);
        var length = model.Original.OutputLength;
        var compared = Enumerable.Range(0, SpecialBatch).Where(sample => !maxPool || !SpecialValues.HasNaN(sample)).ToArray();
        float[] Compared(float[] values) => compared
            .SelectMany(sample => values.Skip(sample * length).Take(length))
            .Select(v => maxPool && float.IsNegativeInfinity(v) ? float.MinValue : v)
            .ToArray();
        SpecialValues.AssertAgreesWhereNotNaN(Compared(onnxRuntime), Compared(actual), "vs ONNX Runtime on NaN, ±∞ and huge inputs");
    }

    /// <summary>PredictBatch (its tail in lanes included) and Predict with intra-op threads give Predict's bits on special values too.</summary>
    [Theory]
    [MemberData(nameof(BatchCases))]
    public void PredictBatch_equals_predict_bit_for_bit_on_NaN_and_infinities(string name, EmitVariant variant, int batch)
    {
        var model = CompiledCases.Get(name, variant);
        var input = SpecialValues.Inputs(Seed(name), batch, model.InputLength);
        var outputs = new float[batch * model.OutputLength];
        var threaded = new float[batch * model.OutputLength];

        model.PredictBatch(input, outputs, batch);
        for (var sample = 0; sample < batch; sample++)
        {
            model.PredictThreaded(input.AsSpan(sample * model.InputLength, model.InputLength), threaded.AsSpan(sample * model.OutputLength, model.OutputLength), 3);
        }

        var expected = model.PredictEach(input, batch);
        Assert.Equal(expected, outputs);
        Assert.Equal(expected, threaded);
    }

    /// <summary>
    /// A NaN before a fused Relu and 2×2 max pool makes every pooled output whose window reads it NaN, as Relu and a
    /// separate max pool do: the fused pool takes its windows in whatever order suits its lanes, and the max keeps a NaN
    /// in any order.
    /// </summary>
    /// <param name="variant">The variant with the pool fused.</param>
    /// <param name="separateVariant">The same kernels with the pool a layer of its own (channels in lanes and the block kernels multiply
    /// the zeros inside their vectors, so NaN reaches a few more outputs than through the sparse tables).</param>
    [Theory]
    [InlineData(EmitVariant.Default, EmitVariant.Vector256Only)]
    [InlineData(EmitVariant.SimdTable, EmitVariant.Vector256Only)]
    [InlineData(EmitVariant.SimdUnrolled, EmitVariant.Vector256Only)]
    [InlineData(EmitVariant.ScalarLanesOnly, EmitVariant.Vector256Only)]
    [InlineData(EmitVariant.Vector128Only, EmitVariant.Vector256Only)]
    [InlineData(EmitVariant.PooledTablesVector256Only, EmitVariant.Vector256Only)]
    [InlineData(EmitVariant.SimdChannels, EmitVariant.SimdChannelsVector128Only)]
    [InlineData(EmitVariant.Blocks, EmitVariant.BlocksVector128Only)]
    public void Relu_before_a_fused_max_pool_keeps_NaN_as_relu_and_a_separate_pool_do(EmitVariant variant, EmitVariant separateVariant)
    {
        const string name = "IR_Conv_relu_maxpool_odd_sizes";
        var input = Input(name, Batch * EmitterCases.Get(name).Original.InputLength);
        for (var i = 0; i < input.Length; i += 37)
        {
            input[i] = float.NaN;
        }

        var separate = CompiledCases.Get(name, separateVariant).PredictEach(input, Batch);
        var fused = CompiledCases.Get(name, variant).PredictEach(input, Batch);

        Assert.Contains(separate, float.IsNaN);
        Assert.Contains(separate, value => value == 0f);
        Assert.Contains(separate, value => value > 0f);
        Assert.Equal(separate.Select(float.IsNaN), fused.Select(float.IsNaN));
        SpecialValues.AssertClose(separate, fused, "fused pool vs Relu and a separate pool, NaN inputs");
    }

    private const int SpecialBatch = SpecialValues.SampleKinds;

    private static float[] SpecialInput(string name, int length) => SpecialValues.Inputs(Seed(name), SpecialBatch, length);

    // string.GetHashCode is randomised per process; a fixed seed per case keeps runs repeatable.
    private static int Seed(string name) => name.Aggregate(17, (hash, c) => unchecked((hash * 31) + c));

    private static float[] Input(string name, int count) => RandomData.Floats(Seed(name), count, -2f, 2f);
}
