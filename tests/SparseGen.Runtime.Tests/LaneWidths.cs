using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SparseGen.Kernels;

namespace SparseGen.Runtime.Tests;

/// <summary>Which lane widths this CPU runs, and vectors as float arrays and back for the tests.</summary>
internal static class LaneWidths
{
    /// <summary>The widths to test: every one the CPU accelerates, and one lane always.</summary>
    public static TheoryData<int> Supported
    {
        get
        {
            var widths = new TheoryData<int> { 1 };
            if (Lanes128.IsSupported)
            {
                widths.Add(4);
            }

            if (Lanes256.IsSupported)
            {
                widths.Add(8);
            }

            if (Lanes512.IsSupported)
            {
                widths.Add(16);
            }

            return widths;
        }
    }

    /// <summary>Runs <paramref name="test"/> at the width of <paramref name="lanes"/> floats.</summary>
    public static void At(int lanes, ILaneTest test)
    {
        switch (lanes)
        {
            case 1:
                test.Run<float, Lanes1>();
                break;
            case 4:
                test.Run<Vector128<float>, Lanes128>();
                break;
            case 8:
                test.Run<Vector256<float>, Lanes256>();
                break;
            case 16:
                test.Run<Vector512<float>, Lanes512>();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "1, 4, 8 or 16");
        }
    }

    /// <summary>The vector holding <paramref name="values"/>[offset..offset + Count).</summary>
    public static TVector Vector<TVector>(float[] values, int offset = 0) where TVector : struct =>
        Unsafe.ReadUnaligned<TVector>(ref Unsafe.As<float, byte>(ref values[offset]));

    /// <summary>The floats of <paramref name="vector"/>.</summary>
    public static float[] Floats<TVector>(TVector vector) where TVector : struct
    {
        var values = new float[Unsafe.SizeOf<TVector>() / sizeof(float)];
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref values[0]), vector);
        return values;
    }
}

/// <summary>A test written once, generic over the lane width.</summary>
internal interface ILaneTest
{
    void Run<TVector, TLanes>() where TVector : struct where TLanes : struct, ILanes<TVector>;
}
