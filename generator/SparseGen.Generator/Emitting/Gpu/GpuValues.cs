using System;
using System.Collections.Generic;
using SparseGen.Generator.Emitting.Writing;
using SparseGen.Generator.Planning;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Gpu;

/// <summary>
/// Where each value lives on the device for a chunk of <c>batch</c> samples: the graph input in the
/// caller's <c>inputs</c>, the graph output in the caller's <c>outputs</c> (so neither is copied), and every
/// other value at the CPU buffer plan's offset scaled by the batch, [sample][value] within its range. The
/// plan's ranges never overlap while both are live, and scaling every offset and length by one factor
/// keeps that true.
/// </summary>
internal sealed class GpuValues
{
    private readonly ModelGraph _graph;
    private readonly BufferPlan _buffers;
    private readonly Dictionary<string, string> _storage = new(StringComparer.Ordinal);

    public GpuValues(ModelGraph graph, BufferPlan buffers)
    {
        _graph = graph;
        _buffers = buffers;
        _storage[graph.InputName] = graph.InputName;
        foreach (var op in graph.Operations)
        {
            _storage[op.Output] = op is ReshapeOperation reshape ? _storage[reshape.Input] : op.Output;
        }
    }

    /// <summary>True when the output is the input under another shape (a graph of reshapes only): Run copies it.</summary>
    public bool OutputIsInput => _storage[_graph.OutputName] == _graph.InputName;

    public string View(string value)
    {
        var storage = _storage[value];
        if (storage == _graph.InputName)
        {
            return "inputs";
        }

        if (storage == _storage[_graph.OutputName])
        {
            return "outputs";
        }

        var length = ShapeInference.ElementCount(_graph.ShapeOf(value));
        return "arena.SubView(" + IndexExpression.Of(0, (_buffers.OffsetOf(value), "batch")) + ", " + IndexExpression.Of(0, (length, "batch")) + ")";
    }
}
