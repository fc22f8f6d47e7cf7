using System.Collections.Generic;
using System.Linq;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;
using SparseGen.Model.Tests.Infrastructure;
using Xunit;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>Which pooled pixels-in-lanes convolutions write straight into the zero-bordered planes of the convolution after them.</summary>
public class PlanesHandoffTests
{
    [Theory]
    [InlineData(nameof(LayerStrategy.SimdTable))]
    [InlineData(nameof(LayerStrategy.SimdUnrolled))]
    [InlineData(nameof(LayerStrategy.SimdChannels))]
    [InlineData(nameof(LayerStrategy.SimdChannelBlocks))]
    public void Pooled_table_conv_fills_the_planes_of_a_padded_simd_conv(string readerStrategy)
    {
        var (graph, writer, reader) = Graph(inputWidth: 28, readerPads: new[] { 1, 1, 1, 1 });

        var handoffs = PlanesHandoffs.Find(Plan(graph, System.Enum.Parse<LayerStrategy>(readerStrategy)));

        Assert.Same(reader, handoffs.ReaderOf(writer));
        Assert.True(handoffs.IsFed(reader));
        Assert.False(handoffs.IsFed(writer));
    }

    [Fact]
    public void Reader_without_padding_copies_nothing_to_fill()
    {
        var (graph, writer, _) = Graph(inputWidth: 28, readerPads: new[] { 0, 0, 0, 0 });

        Assert.Null(PlanesHandoffs.Find(Plan(graph, LayerStrategy.SimdTable)).ReaderOf(writer));
    }

    [Fact]
    public void Reader_without_a_bottom_border_is_not_fed_the_last_row_would_spill_past_its_plane()
    {
        var (graph, writer, _) = Graph(inputWidth: 28, readerPads: new[] { 1, 1, 0, 1 });

        Assert.Null(PlanesHandoffs.Find(Plan(graph, LayerStrategy.SimdChannels)).ReaderOf(writer));
    }

    [Fact]
    public void Strided_reader_reads_phase_planes_and_is_not_fed()
    {
        var (graph, writer, _) = Graph(inputWidth: 28, readerPads: new[] { 1, 1, 1, 1 }, readerStride: 2);

        Assert.Null(PlanesHandoffs.Find(Plan(graph, LayerStrategy.SimdChannels)).ReaderOf(writer));
    }

    [Fact]
    public void Writer_whose_rows_are_not_pairs_of_widest_vectors_pools_through_its_wide_plane_and_feeds_nothing()
    {
        // Rows of 12 + 2: no alignment to 16 that costs an eighth or less, so the pool is not taken in registers.
        var (graph, writer, _) = Graph(inputWidth: 12, readerPads: new[] { 1, 1, 1, 1 });

        Assert.Null(PlanesHandoffs.Find(Plan(graph, LayerStrategy.SimdChannels)).ReaderOf(writer));
    }

    [Fact]
    public void Writer_not_as_a_table_feeds_nothing()
    {
        var (graph, writer, reader) = Graph(inputWidth: 28, readerPads: new[] { 1, 1, 1, 1 });
        var plan = Plan(graph, LayerStrategy.SimdChannels, writerStrategy: LayerStrategy.SimdUnrolled);

        Assert.Null(PlanesHandoffs.Find(plan).ReaderOf(writer));
        Assert.False(PlanesHandoffs.Find(plan).IsFed(reader));
    }

    [Fact]
    public void Generated_code_writes_the_pooled_rows_into_the_readers_planes_and_copies_them_once()
    {
        var model = EmitterCases.Get("IR_Conv_pool_into_padded_conv");

        var source = CompiledCases.Emit(model, EmitVariant.SimdTable);

        Assert.Contains("pooled in registers into pooled columns c/2 … of the zero-bordered planes of 'd_conv' (rows of 16)", source);
        Assert.Single(source.Split('\n'), line => line.TrimStart().StartsWith("global::SparseGen.Kernels.LaneKernels.PadInput(", System.StringComparison.Ordinal));
    }

    private static KernelPlan Plan(ModelGraph graph, LayerStrategy readerStrategy, LayerStrategy writerStrategy = LayerStrategy.SimdTable)
    {
        var convs = graph.Operations.OfType<ConvOperation>().ToList();
        var pools = graph.Operations.OfType<PoolOperation>().ToList();
        var strategies = new Dictionary<Operation, LayerStrategy>(ReferenceComparer.Instance) { [convs[0]] = writerStrategy, [convs[1]] = readerStrategy };
        var fused = new Dictionary<Operation, PoolOperation>(ReferenceComparer.Instance) { [convs[0]] = pools[0] };
        var blocks = new Dictionary<Operation, OutputBlocks>(ReferenceComparer.Instance) { [convs[1]] = OutputBlocks.InOrder(convs[1].Weight) };
        return new KernelPlan(graph, strategies, BufferPlanner.Plan(graph), PlannerOptions.Default, fused, outputBlocks: blocks);
    }

    /// <summary>conv (4 channels, 3×3, padding 1, Relu) → 2×2 max pool → conv (8 channels, 3×3) over [1 × 10 × inputWidth].</summary>
    private static (ModelGraph Graph, ConvOperation Writer, ConvOperation Reader) Graph(int inputWidth, int[] readerPads, int readerStride = 1)
    {
        var writer = new ConvOperation(
            "c1", "x", "c", new Tensor(new[] { 4, 1, 3, 3 }, RandomData.SparseWeights(1, 36, 0.5)), null, 1, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, Activation.Relu);
        var pool = new PoolOperation("pool", "c", "p", PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, false, false);
        var reader = new ConvOperation(
            "c2", "p", "y", new Tensor(new[] { 8, 4, 3, 3 }, RandomData.SparseWeights(2, 288, 0.2)), null, 1, new[] { readerStride, readerStride }, readerPads, new[] { 1, 1 }, Activation.Relu);
        var graph = ModelGraph.Create("x", new[] { 1, 10, inputWidth }, new Operation[] { writer, pool, reader }, "y", ModelInfo.Empty);
        return (graph, writer, reader);
    }
}
