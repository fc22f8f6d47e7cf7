using System.Collections.Generic;
using System.Linq;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>
/// Convolutions that write their pooled output straight into the zero-bordered planes of the convolution that reads it,
/// so that the reader copies nothing (its <c>PadInput</c> is gone). The writer is a pixels-in-lanes sparse table with a
/// 2×2 max pool fused and pooled in registers (<see cref="SimdConvLayout.PoolsInRegisters"/>); the reader, the
/// pooled value's only reader, is any SIMD convolution that reads its input through one phase plane per channel
/// (stride 1) with padding. The writer zeroes the lanes of a vector past a pooled row, and those land on the planes'
/// borders or on a row it writes later: the right border and the next row's left border hold the spill of a vector
/// (<see cref="MaxSpill"/>), and a bottom border row holds the last row's.
/// </summary>
internal sealed class PlanesHandoffs
{
    /// <summary>Lanes a pooled vector may carry past its row: the widest vector less one.</summary>
    private const int MaxSpill = 15;

    private readonly Dictionary<Operation, ConvOperation> _readerOf;
    private readonly HashSet<Operation> _fedReaders;

    private PlanesHandoffs(Dictionary<Operation, ConvOperation> readerOf)
    {
        _readerOf = readerOf;
        _fedReaders = new HashSet<Operation>(readerOf.Values, ReferenceComparer.Instance);
    }

    public static PlanesHandoffs None { get; } = new(new Dictionary<Operation, ConvOperation>(ReferenceComparer.Instance));

    /// <summary>The handoffs of <paramref name="plan"/>'s graph.</summary>
    public static PlanesHandoffs Find(KernelPlan plan)
    {
        var graph = plan.Graph;
        var readerOf = new Dictionary<Operation, ConvOperation>(ReferenceComparer.Instance);
        foreach (var writer in graph.Operations.OfType<ConvOperation>())
        {
            if (plan.StrategyOf(writer) != LayerStrategy.SimdTable || plan.FusedPoolOf(writer) is not { } pool || pool.Output == graph.OutputName)
            {
                continue;
            }

            var geometry = SimdConvLayout.Geometry(writer, graph.ShapeOf(writer.Input), graph.ShapeOf(writer.Output), pool);
            var readers = graph.ConsumersOf(pool.Output).ToList();
            if (!SimdConvLayout.PoolsInRegisters(geometry) || readers.Count != 1 || readers[0] is not ConvOperation reader
                || InputPlanes(plan, reader) is not { } planes)
            {
                continue;
            }

            var pooledWidth = geometry.OutputWidth / 2;
            var fits = planes.Phases == 1 && reader.Pads[2] >= 1 && planes.PadLeft + pooledWidth + MaxSpill <= 2 * planes.PhaseWidth;
            if (fits)
            {
                readerOf[writer] = reader;
            }
        }

        return new PlanesHandoffs(readerOf);
    }

    /// <summary>The convolution whose planes <paramref name="writer"/> fills with its pooled output, or null.</summary>
    public ConvOperation? ReaderOf(Operation writer) => _readerOf.TryGetValue(writer, out var reader) ? reader : null;

    /// <summary>Whether the convolution before <paramref name="reader"/> has filled its planes: it copies nothing.</summary>
    public bool IsFed(Operation reader) => _fedReaders.Contains(reader);

    /// <summary>
    /// The geometry of the zero-bordered planes <paramref name="conv"/>'s kernel copies its input into, as its emitter
    /// builds it; null where its kernel reads no such planes (a scalar kernel, or a pixels-in-lanes one reading in place).
    /// </summary>
    public static ConvGeometry? InputPlanes(KernelPlan plan, ConvOperation conv)
    {
        var inputShape = plan.Graph.ShapeOf(conv.Input);
        var outputShape = plan.Graph.ShapeOf(conv.Output);
        switch (plan.StrategyOf(conv))
        {
            case LayerStrategy.SimdTable or LayerStrategy.SimdUnrolled:
                var geometry = SimdConvLayout.Geometry(conv, inputShape, outputShape, plan.FusedPoolOf(conv));
                return SimdConvLayout.ReadsInPlace(geometry, conv) ? null : geometry;
            case LayerStrategy.SimdChannels or LayerStrategy.SimdChannelBlocks:
                return SimdChannelsLayout.Geometry(conv, inputShape, outputShape);
            default:
                return null;
        }
    }
}
