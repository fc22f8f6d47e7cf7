using System;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>The generated public API: argument checks and concurrent use.</summary>
public sealed class GeneratedApiTests
{
    private const string Case = "IR_Residual_pool_dense_softmax";

    [Fact]
    public void Predict_with_a_wrong_input_length_throws_naming_the_sizes()
    {
        var model = CompiledCases.Get(Case, EmitVariant.Default);

        var error = Assert.Throws<ArgumentException>(() => model.Predict(new float[model.InputLength - 1], new float[model.OutputLength]));

        Assert.Equal("input", error.ParamName);
        Assert.Contains("holds 74 floats", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs 75", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3×5×5]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EmitVariant.Default)]
    [InlineData(EmitVariant.SimdUnrolled)]
    [InlineData(EmitVariant.SparseTables)]
    public void Predict_allocates_nothing_and_PredictBatch_next_to_nothing_once_warm(EmitVariant variant)
    {
        var model = CompiledCases.Get(Case, variant);
        const int batch = 8, calls = 100;
        var inputs = new float[batch * model.InputLength];
        var outputs = new float[batch * model.OutputLength];
        model.Predict(inputs.AsSpan(0, model.InputLength), outputs.AsSpan(0, model.OutputLength));
        model.PredictBatch(inputs, outputs, batch);

        var start = GC.GetAllocatedBytesForCurrentThread();
        for (var call = 0; call < calls; call++)
        {
            model.Predict(inputs.AsSpan(0, model.InputLength), outputs.AsSpan(0, model.OutputLength));
        }

        var predict = GC.GetAllocatedBytesForCurrentThread() - start;
        start = GC.GetAllocatedBytesForCurrentThread();
        for (var call = 0; call < calls; call++)
        {
            model.PredictBatch(inputs, outputs, batch);
        }

        var predictBatch = GC.GetAllocatedBytesForCurrentThread() - start;

        Assert.Equal(0, predict);
        // Queuing the reused work item allocates nothing itself, but the thread pool's shared queue now and
        // then grows a segment on whichever thread enqueues: allow that, not a closure or state per call.
        Assert.True(predictBatch / calls < 64, $"PredictBatch allocated {predictBatch} bytes in {calls} calls");
    }

    [Theory]
    [InlineData(EmitVariant.Default)]
    [InlineData(EmitVariant.SimdChannels)]
    public void Predict_with_intra_op_threads_allocates_next_to_nothing_once_warm(EmitVariant variant)
    {
        var model = CompiledCases.Get(Case, variant);
        const int calls = 100;
        var input = new float[model.InputLength];
        var output = new float[model.OutputLength];
        model.PredictThreaded(input, output, 2);

        var start = GC.GetAllocatedBytesForCurrentThread();
        for (var call = 0; call < calls; call++)
        {
            model.PredictThreaded(input, output, 2);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - start;

        // As for PredictBatch: the reused work items allocate nothing, the thread pool's queue now and then a segment.
        Assert.True(allocated / calls < 64, $"Predict with intra-op threads allocated {allocated} bytes in {calls} calls");
    }

    [Fact]
    public void Predict_with_intra_op_threads_checks_the_thread_count_and_both_lengths()
    {
        var model = CompiledCases.Get(Case, EmitVariant.Default);

        var threads = Assert.Throws<ArgumentOutOfRangeException>(() => model.PredictThreaded(new float[model.InputLength], new float[model.OutputLength], 0));
        var output = Assert.Throws<ArgumentException>(() => model.PredictThreaded(new float[model.InputLength], new float[model.OutputLength + 1], 2));

        Assert.Equal("intraOpThreads", threads.ParamName);
        Assert.Equal("output", output.ParamName);
    }

    /// <summary>
    /// A thread count above the processor count (int.MaxValue included) is taken as the processor count: the call returns
    /// with Predict's outputs and has asked the thread pool for no more helpers than the processors can run.
    /// </summary>
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1_000)]
    public void Predict_with_more_intra_op_threads_than_processors_uses_the_processors(int threads)
    {
        var model = CompiledCases.Get(Case, EmitVariant.SimdTable);
        var kernels = model.Type.GetNestedType("SparseGenKernels", BindingFlags.NonPublic)!;
        var input = RandomData.Floats(5, model.InputLength);
        var output = new float[model.OutputLength];
        var expected = model.PredictEach(input, 1);

        model.PredictThreaded(input, output, threads);

        // The helpers of this thread's team: each queued once, leaving after a short linger.
        var team = (SparseGen.Kernels.IntraOpTeam)kernels.GetField("t_team", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        var helpers = team.Helpers;
        Assert.Equal(expected, output);
        Assert.InRange(helpers, 0, Environment.ProcessorCount - 1);
    }

    [Fact]
    public void Predict_with_a_wrong_output_length_throws()
    {
        var model = CompiledCases.Get(Case, EmitVariant.Default);

        var error = Assert.Throws<ArgumentException>(() => model.Predict(new float[model.InputLength], new float[model.OutputLength + 1]));

        Assert.Equal("output", error.ParamName);
        Assert.Contains("needs 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictBatch_checks_the_batch_and_both_lengths()
    {
        var model = CompiledCases.Get(Case, EmitVariant.Default);

        var inputs = Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[3 * model.InputLength], new float[4 * model.OutputLength], 4));
        var outputs = Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[4 * model.InputLength], new float[3 * model.OutputLength], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.PredictBatch(Array.Empty<float>(), Array.Empty<float>(), 0));

        Assert.Equal("inputs", inputs.ParamName);
        Assert.Contains("a batch of 4 samples of shape [3×5×5] needs 300", inputs.Message, StringComparison.Ordinal);
        Assert.Equal("outputs", outputs.ParamName);
    }

    /// <summary>
    /// The kernels' aligned loads need the arena to start on a 64-byte boundary wherever the array lies: every thread's
    /// arena array gives one (pinned, so it stays there), and results do not depend on where it is.
    /// </summary>
    [Fact]
    public void Every_threads_arena_starts_on_a_64_byte_boundary()
    {
        var kernels = CompiledCases.Get(Case, EmitVariant.Default).Type.GetNestedType("SparseGenKernels", BindingFlags.NonPublic)!;
        var arenaArray = kernels.GetMethod("ArenaArray", BindingFlags.NonPublic | BindingFlags.Static)!;
        var arenaLength = (int)kernels.GetField("ArenaLength", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

        var addresses = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(_ =>
        {
            var array = (float[])arenaArray.Invoke(null, null)!;
            var start = SparseGen.Kernels.AlignedArrays.AlignedStart(array);
            Assert.True(start + arenaLength <= array.Length, "the arena runs past its array");
            var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
            try
            {
                return handle.AddrOfPinnedObject() + (start * sizeof(float));
            }
            finally
            {
                handle.Free();
            }
        }).ToList();

        Assert.All(addresses, address => Assert.Equal(0, (long)address % 64));
    }

    [Fact]
    public void Concurrent_calls_from_many_threads_give_the_sequential_results()
    {
        var model = CompiledFixtures.Get(Fixtures.MobileNetishPruned70).Model;
        const int samples = 64;
        var inputs = RandomData.Floats(3, samples * model.InputLength);
        var expected = model.PredictEach(inputs, samples);
        var actual = new float[expected.Length];

        Parallel.For(0, samples, new ParallelOptions { MaxDegreeOfParallelism = 8 }, sample =>
            model.Predict(inputs.AsSpan(sample * model.InputLength, model.InputLength), actual.AsSpan(sample * model.OutputLength, model.OutputLength)));

        Assert.Equal(expected, actual);
    }
}
