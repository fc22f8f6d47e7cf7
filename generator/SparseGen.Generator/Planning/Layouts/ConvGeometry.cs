using System.Collections.Generic;
using SparseGen.Model.Evaluation;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>One nonzero weight of a convolution and the rectangle of outputs [RowStart, RowEnd) × [ColumnStart, ColumnEnd) it reaches.</summary>
/// <param name="OutputBase">Offset of the output channel's plane in the output.</param>
/// <param name="InputBase">Input offset read for output (0, 0), possibly negative: the offset for (oy, ox) is InputBase + oy·sH·W + ox·sW.</param>
/// <param name="Window">The tap's index, kh·kW + kw.</param>
/// <param name="InputChannel">The input channel the tap reads.</param>
internal readonly record struct ConvTap(float Weight, int OutputBase, int InputBase, int Window, int RowStart, int RowEnd, int ColumnStart, int ColumnEnd, int InputChannel);

/// <summary>Shapes and window ranges of one convolution, in the terms of the reference evaluator.</summary>
internal sealed class ConvGeometry
{
    private readonly ConvOperation _conv;
    private readonly int _rowAlignment;

    /// <param name="rowAlignment">Floats the rows of the phase planes (and of the SIMD kernels' wide planes) are rounded up to.</param>
    public ConvGeometry(ConvOperation conv, int[] inputShape, int[] outputShape, int rowAlignment = 1)
    {
        _conv = conv;
        _rowAlignment = rowAlignment;
        InputHeight = inputShape[1];
        InputWidth = inputShape[2];
        OutputHeight = outputShape[1];
        OutputWidth = outputShape[2];
        StrideH = conv.Strides[0];
        StrideW = conv.Strides[1];
    }

    public int InputHeight { get; }

    public int InputWidth { get; }

    public int OutputHeight { get; }

    public int OutputWidth { get; }

    public int StrideH { get; }

    public int StrideW { get; }

    public int InputPlane => InputHeight * InputWidth;

    public int InputChannels => _conv.InputChannelsPerGroup * _conv.Group;

    public int PadTop => _conv.Pads[0];

    public int PadLeft => _conv.Pads[1];

    /// <summary>Rows of one phase plane: the padded input's rows ph, ph + sH, … (see <see cref="SimdPlanes"/>).</summary>
    public int PhaseHeight => (InputHeight + _conv.Pads[0] + _conv.Pads[2] + StrideH - 1) / StrideH;

    /// <summary>Columns of one phase plane: the padded input's columns pw, pw + sW, …, rounded up to the row alignment.</summary>
    public int PhaseWidth => (NaturalPhaseWidth + _rowAlignment - 1) / _rowAlignment * _rowAlignment;

    /// <summary>Columns of one phase plane without the row alignment.</summary>
    public int NaturalPhaseWidth => (InputWidth + _conv.Pads[1] + _conv.Pads[3] + StrideW - 1) / StrideW;

    /// <summary>Phase planes per input channel, one per (row, column) residue of the stride.</summary>
    public int Phases => StrideH * StrideW;

    /// <summary>Floats of the padded, phase-split input.</summary>
    public int SimdPlanes => InputChannels * Phases * PhaseHeight * PhaseWidth;

    /// <summary>
    /// Offset in the phase-split input of what <paramref name="tap"/> reads for output (0, 0); output
    /// (oy, ox) reads that plus oy·<see cref="PhaseWidth"/> + ox, for every tap alike.
    /// </summary>
    public int SimdOffset(ConvTap tap)
    {
        var (rowReach, columnReach) = Reach(tap);
        var phase = (tap.InputChannel * Phases) + PhaseOf(tap);
        return (phase * PhaseHeight * PhaseWidth) + (rowReach / StrideH * PhaseWidth) + (columnReach / StrideW);
    }

    /// <summary>The phase plane (row residue · StrideW + column residue) that <paramref name="tap"/> reads within its channel.</summary>
    public int PhaseOf(ConvTap tap)
    {
        var (rowReach, columnReach) = Reach(tap);
        return ((rowReach % StrideH) * StrideW) + (columnReach % StrideW);
    }

    private (int Row, int Column) Reach(ConvTap tap) =>
        (tap.Window / _conv.KernelWidth * _conv.Dilations[0], tap.Window % _conv.KernelWidth * _conv.Dilations[1]);

    public int OutputPlane => OutputHeight * OutputWidth;

    /// <summary>The output rows whose kernel row <paramref name="kh"/> reads inside the image.</summary>
    public (int Start, int End) Rows(int kh)
    {
        var offset = RowOffset(kh);
        return (WindowRange.First(offset, StrideH), WindowRange.End(offset, StrideH, InputHeight, OutputHeight));
    }

    public (int Start, int End) Columns(int kw)
    {
        var offset = ColumnOffset(kw);
        return (WindowRange.First(offset, StrideW), WindowRange.End(offset, StrideW, InputWidth, OutputWidth));
    }

    /// <summary>The nonzero weights of output channel <paramref name="m"/> that reach at least one output, in weight order.</summary>
    public IEnumerable<ConvTap> TapsOf(int m)
    {
        var conv = _conv;
        var channelsPerGroup = conv.InputChannelsPerGroup;
        var firstChannel = m / (conv.OutputChannels / conv.Group) * channelsPerGroup;
        var weightIndex = m * channelsPerGroup * conv.KernelHeight * conv.KernelWidth;
        for (var c = 0; c < channelsPerGroup; c++)
        {
            for (var kh = 0; kh < conv.KernelHeight; kh++)
            {
                var (rowStart, rowEnd) = Rows(kh);
                for (var kw = 0; kw < conv.KernelWidth; kw++, weightIndex++)
                {
                    var weight = conv.Weight.Data[weightIndex];
                    var (columnStart, columnEnd) = Columns(kw);
                    if (weight == 0f || rowStart >= rowEnd || columnStart >= columnEnd)
                    {
                        continue;
                    }

                    var inputBase = ((firstChannel + c) * InputPlane) + (RowOffset(kh) * InputWidth) + ColumnOffset(kw);
                    yield return new ConvTap(weight, m * OutputPlane, inputBase, (kh * conv.KernelWidth) + kw, rowStart, rowEnd, columnStart, columnEnd, firstChannel + c);
                }
            }
        }
    }

    private int RowOffset(int kh) => (kh * _conv.Dilations[0]) - _conv.Pads[0];

    private int ColumnOffset(int kw) => (kw * _conv.Dilations[1]) - _conv.Pads[1];
}
