using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SparseGen.Kernels;

/// <summary>
/// The loops every model's SIMD kernels share, generic over the lane width: zero-bordered planes, row copies, pooled
/// stores and the 2×2 max pool. For generated code: not a stable API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LaneKernels
{
    /// <summary>
    /// Copies each channel of <paramref name="x"/> ([channels × height × width]) into zero-bordered phase
    /// planes: phase (ph, pw) of a channel holds padded rows ph, ph + strideH, … and columns pw, pw + strideW, ….
    /// A strided convolution then reads each tap as one contiguous run. Only the phases whose bit (ph · strideW + pw)
    /// is set in <paramref name="phases"/> are copied: the ones the convolution's taps read. Borders are never
    /// written, so they stay zero from the arena's allocation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PadInput(ReadOnlySpan<float> x, Span<float> padded, int channels, int height, int width, int padTop, int padLeft, int strideH, int strideW, int phaseHeight, int phaseWidth, int phases)
    {
        int phasePlane = phaseHeight * phaseWidth;
        // Where each column phase starts, in the source row and in its plane's row: divisions once, not per row.
        Span<int> firstColumn = stackalloc int[strideW];
        Span<int> firstTarget = stackalloc int[strideW];
        for (int phase = 0; phase < strideW; phase++)
        {
            firstColumn[phase] = ((phase - padLeft) % strideW + strideW) % strideW;
            firstTarget[phase] = phase * phasePlane + (firstColumn[phase] + padLeft) / strideW;
        }

        ref float from = ref MemoryMarshal.GetReference(x);
        ref float planes = ref MemoryMarshal.GetReference(padded);
        if (strideH == 1 && strideW == 1)
        {
            // One phase: row after row, the source contiguous and each target row one padded row further.
            for (int c = 0, source = 0; c < channels; c++)
            {
                for (int iy = 0, target = c * phasePlane + padTop * phaseWidth + padLeft; iy < height; iy++, source += width, target += phaseWidth)
                {
                    CopyRow(ref Unsafe.Add(ref from, source), ref Unsafe.Add(ref planes, target), width);
                }
            }

            return;
        }

        for (int c = 0; c < channels; c++)
        {
            // Padded row py = iy + padTop lies in row phase py % strideH, at row py / strideH of it.
            for (int iy = 0, rowPhase = padTop % strideH, phaseRow = padTop / strideH; iy < height; iy++)
            {
                int rowPhases = (phases >> (rowPhase * strideW)) & ((1 << strideW) - 1);
                if (rowPhases != 0)
                {
                    ref float source = ref Unsafe.Add(ref from, (c * height + iy) * width);
                    ref float rowStart = ref Unsafe.Add(ref planes, ((c * strideH + rowPhase) * strideW) * phasePlane + phaseRow * phaseWidth);
                    if (strideW == 1)
                    {
                        CopyRow(ref source, ref Unsafe.Add(ref rowStart, padLeft), width);
                    }
                    else
                    {
                        // One column phase at a time: its columns are ix = first, first + strideW, … and land side by side.
                        for (int phase = 0; phase < strideW; phase++)
                        {
                            if ((rowPhases & (1 << phase)) == 0)
                            {
                                continue;
                            }

                            ref float to = ref Unsafe.Add(ref rowStart, firstTarget[phase]);
                            for (int k = 0, ix = firstColumn[phase]; ix < width; k++, ix += strideW)
                            {
                                Unsafe.Add(ref to, k) = Unsafe.Add(ref source, ix);
                            }
                        }
                    }
                }

                if (++rowPhase == strideH)
                {
                    rowPhase = 0;
                    phaseRow++;
                }
            }
        }
    }

    /// <summary>
    /// y = (x − mean) · factor + bias over one channel, in lanes: a subtraction, a product and a sum, each rounded as the
    /// scalar expression rounds it (no fused multiply-add), so every lane equals the reference's BatchNorm.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NormalizeLanes<TVector, TLanes>(ReadOnlySpan<float> x, Span<float> y, float mean, float factor, float bias) where TVector : struct where TLanes : struct, ILanes<TVector>
    {
        TLanes lanes = default;
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float target = ref MemoryMarshal.GetReference(y);
        TVector negatedMean = lanes.Splat(-mean), scale = lanes.Splat(factor), shift = lanes.Splat(bias);
        int i = 0;
        for (; i <= y.Length - lanes.Count; i += lanes.Count)
        {
            lanes.Store(lanes.Add(lanes.Multiply(lanes.Add(lanes.Load(ref source, i), negatedMean), scale), shift), ref target, i);
        }

        for (; i < y.Length; i++)
        {
            Unsafe.Add(ref target, i) = (Unsafe.Add(ref source, i) - mean) * factor + bias;
        }
    }

    /// <summary>
    /// Copies <paramref name="count"/> floats, inlined: a short row costs a few vector moves instead of a call to
    /// memmove (PadInput copies one row at a time; a 14-float row went from ~6 ns to ~1 ns). Whole vectors of the widest
    /// width the row fills, then the row's last vector of that width again, overlapping what is written (the same values):
    /// a 14-float row is two 8-float moves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyRow(ref float from, ref float to, int count)
    {
        if (Vector512.IsHardwareAccelerated && count >= 16)
        {
            for (int i = 0; i < count - 16; i += 16)
            {
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref from, (nuint)i), ref to, (nuint)i);
            }

            Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref from, (nuint)(count - 16)), ref to, (nuint)(count - 16));
            return;
        }

        if (Vector256.IsHardwareAccelerated && count >= 8)
        {
            for (int i = 0; i < count - 8; i += 8)
            {
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref from, (nuint)i), ref to, (nuint)i);
            }

            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref from, (nuint)(count - 8)), ref to, (nuint)(count - 8));
            return;
        }

        if (Vector128.IsHardwareAccelerated && count >= 4)
        {
            for (int i = 0; i < count - 4; i += 4)
            {
                Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref from, (nuint)i), ref to, (nuint)i);
            }

            Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref from, (nuint)(count - 4)), ref to, (nuint)(count - 4));
            return;
        }

        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
        }
    }

    /// <summary>
    /// Writes rows × columns outputs from a wide plane (rows of <paramref name="wideRowLength"/>, the extra
    /// columns garbage) to <paramref name="y"/> at <paramref name="offset"/>, through Relu if asked. A vector
    /// may spill past a row: outputs are written in ascending order, so a later row (or the next channel, in the same
    /// task) overwrites the spill, and nothing is written at or past <paramref name="limit"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void StoreRows<TVector, TLanes>(ref float wide, Span<float> y, int offset, int rows, int columns, int wideRowLength, bool relu, int limit) where TVector : struct where TLanes : struct, ILanes<TVector>
    {
        TLanes lanes = default;
        int count = lanes.Count;
        ref float target = ref MemoryMarshal.GetReference(y);
        for (int r = 0; r < rows; r++)
        {
            int source = r * wideRowLength, destination = offset + r * columns, c = 0;
            for (; c < columns && destination + c + count <= limit; c += count)
            {
                TVector v = lanes.Load(ref wide, source + c);
                lanes.Store(relu ? lanes.Relu(v) : v, ref target, destination + c);
            }

            for (; c < columns; c++)
            {
                float v = Unsafe.Add(ref wide, source + c);
                Unsafe.Add(ref target, destination + c) = relu ? Scalar.Relu(v) : v;
            }
        }
    }

    /// <summary>
    /// <paramref name="x"/> through Relu, or else through Clip(<paramref name="min"/>, <paramref name="max"/>), into
    /// <paramref name="y"/> (the same span for in place), with the reference's float semantics.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ActivateLanes<TVector, TLanes>(ReadOnlySpan<float> x, Span<float> y, bool relu, float min, float max) where TVector : struct where TLanes : struct, ILanes<TVector>
    {
        TLanes lanes = default;
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float target = ref MemoryMarshal.GetReference(y);
        TVector low = lanes.Splat(min), high = lanes.Splat(max);
        int i = 0;
        for (; i <= y.Length - lanes.Count; i += lanes.Count)
        {
            TVector v = lanes.Load(ref source, i);
            lanes.Store(relu ? lanes.Relu(v) : lanes.Clip(v, low, high), ref target, i);
        }

        for (; i < y.Length; i++)
        {
            float v = Unsafe.Add(ref source, i);
            Unsafe.Add(ref target, i) = relu ? Scalar.Relu(v) : v < min ? min : v > max ? max : v;
        }
    }

    /// <summary>
    /// The 2×2 max pool of Count windows: the top row's pairs in <paramref name="top0"/> ‖ <paramref name="top1"/>, the bottom
    /// row's in <paramref name="bottom0"/> ‖ <paramref name="bottom1"/>, through Relu if asked. The max keeps a NaN whichever
    /// element holds it, so any order is the reference's: rows first, then pairs (two shuffles), and Relu once on the max,
    /// which max(0, ·) over the window's values equals.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector PoolWindows<TVector, TLanes>(TVector top0, TVector top1, TVector bottom0, TVector bottom1, bool relu) where TVector : struct where TLanes : struct, ILanes<TVector>
    {
        TLanes lanes = default;
        TVector left = lanes.MaxOf(top0, bottom0), right = lanes.MaxOf(top1, bottom1);
        TVector max = lanes.MaxOf(lanes.Even(left, right), lanes.Odd(left, right));
        return relu ? lanes.Relu(max) : max;
    }

    /// <summary>
    /// Writes a 2×2, stride-2 max pool of one channel's wide plane (rows of <paramref name="wideRowLength"/>, the extra
    /// columns garbage) to <paramref name="y"/> at <paramref name="offset"/>: pooledRows × pooledColumns outputs, each
    /// window through Relu if asked (a NaN in a window makes its output NaN). Outputs are written in
    /// ascending order, so a vector's spill past a row is overwritten later (or by the next channel, in the same task);
    /// nothing is read past <paramref name="wideLength"/> (the kernels leave two vectors of slack past the wide plane, so
    /// that the last pooled row runs in lanes too) or written at or past <paramref name="limit"/>: a vector that would
    /// cross it has only its valid outputs copied, lane by lane. Inlined into each channel's loop (no stackalloc, which
    /// would stop that): the call cost about a tenth of conv1's time on the Fashion-MNIST CNNs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void StorePooledRows<TVector, TLanes>(ref float wide, int wideLength, Span<float> y, int offset, int pooledRows, int pooledColumns, int wideRowLength, bool relu, int limit) where TVector : struct where TLanes : struct, ILanes<TVector>
    {
        TLanes lanes = default;
        int count = lanes.Count;
        ref float target = ref MemoryMarshal.GetReference(y);
        for (int py = 0; py < pooledRows; py++)
        {
            int top = 2 * py * wideRowLength, bottom = top + wideRowLength, o = offset + py * pooledColumns, px = 0;
            if (count > 1)
            {
                for (; px < pooledColumns && bottom + 2 * (px + count) <= wideLength; px += count)
                {
                    TVector top0 = lanes.Load(ref wide, top + 2 * px), top1 = lanes.Load(ref wide, top + 2 * px + count);
                    TVector bottom0 = lanes.Load(ref wide, bottom + 2 * px), bottom1 = lanes.Load(ref wide, bottom + 2 * px + count);
                    TVector max = PoolWindows<TVector, TLanes>(top0, top1, bottom0, bottom1, relu);

                    if (o + px + count <= limit)
                    {
                        lanes.Store(max, ref target, o + px);
                    }
                    else
                    {
                        // A copy of its own takes the address, so that max itself stays in a register.
                        TVector spill = max;
                        for (int k = 0, n = Math.Min(count, pooledColumns - px); k < n; k++)
                        {
                            Unsafe.Add(ref target, o + px + k) = Unsafe.Add(ref Unsafe.As<TVector, float>(ref spill), k);
                        }
                    }
                }
            }

            for (; px < pooledColumns; px++)
            {
                float max = Scalar.MaxStep(Scalar.MaxStep(Unsafe.Add(ref wide, top + 2 * px), Unsafe.Add(ref wide, top + 2 * px + 1)), Scalar.MaxStep(Unsafe.Add(ref wide, bottom + 2 * px), Unsafe.Add(ref wide, bottom + 2 * px + 1)));
                Unsafe.Add(ref target, o + px) = relu ? Scalar.Relu(max) : max;
            }
        }
    }

    /// <summary>
    /// Stores the first <paramref name="count"/> lanes of <paramref name="value"/>, fewer than a vector, one at a time: the
    /// last pooled vector of a task's last channel, whose other lanes would cross into the next task's plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void StoreFirst<TVector>(TVector value, ref float destination, int offset, int count) where TVector : struct
    {
        for (int k = 0; k < count; k++)
        {
            Unsafe.Add(ref destination, offset + k) = Unsafe.Add(ref Unsafe.As<TVector, float>(ref value), k);
        }
    }

    /// <summary>
    /// 2×2, stride-2 max pooling of [channels × height × width] into [channels × height/2 × width/2], each
    /// window NaN where any of its elements is (the reference's rule). Vectors read two
    /// rows' worth of pairs and split them into even and odd lanes; outputs are written in ascending order,
    /// so a vector's spill past a row is overwritten later.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxPool2x2<TVector, TLanes>(ReadOnlySpan<float> x, Span<float> y, int channels, int height, int width) where TVector : struct where TLanes : struct, ILanes<TVector>
    {
        TLanes lanes = default;
        int count = lanes.Count, outHeight = height / 2, outWidth = width / 2;
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float target = ref MemoryMarshal.GetReference(y);
        for (int c = 0; c < channels; c++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                int top = (c * height + 2 * oy) * width, bottom = top + width, o = (c * outHeight + oy) * outWidth, ox = 0;
                if (count > 1)
                {
                    for (; ox < outWidth && o + ox + count <= y.Length && bottom + 2 * (ox + count) <= x.Length; ox += count)
                    {
                        TVector top0 = lanes.Load(ref source, top + 2 * ox), top1 = lanes.Load(ref source, top + 2 * ox + count);
                        TVector bottom0 = lanes.Load(ref source, bottom + 2 * ox), bottom1 = lanes.Load(ref source, bottom + 2 * ox + count);
                        lanes.Store(PoolWindows<TVector, TLanes>(top0, top1, bottom0, bottom1, relu: false), ref target, o + ox);
                    }
                }

                for (; ox < outWidth; ox++)
                {
                    Unsafe.Add(ref target, o + ox) = Scalar.MaxStep(Scalar.MaxStep(Unsafe.Add(ref source, top + 2 * ox), Unsafe.Add(ref source, top + 2 * ox + 1)), Scalar.MaxStep(Unsafe.Add(ref source, bottom + 2 * ox), Unsafe.Add(ref source, bottom + 2 * ox + 1)));
                }
            }
        }
    }
}
