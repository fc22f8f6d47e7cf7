using System;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace SparseGen.Gpu;

/// <summary>
/// Loads each kernel once per accelerator: a second runner of the same model on the same accelerator
/// reuses the compiled kernels (ILGPU compiles IL to PTX when a kernel is first loaded, which is slow).
/// Entries go away with the accelerator.
/// </summary>
public static class KernelCache
{
    private static readonly ConditionalWeakTable<Accelerator, ConcurrentDictionary<MethodInfo, Delegate>> Loaded = new();

    /// <summary>The launcher of a kernel over one input and one output view.</summary>
    public static Action<Index1D, ArrayView<float>, ArrayView<float>> Load(
        Accelerator accelerator, Action<Index1D, ArrayView<float>, ArrayView<float>> kernel) =>
        (Action<Index1D, ArrayView<float>, ArrayView<float>>)Get(accelerator, kernel.Method, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    /// <summary>The launcher of a kernel over two input views and one output view.</summary>
    public static Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> Load(
        Accelerator accelerator, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel) =>
        (Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>)Get(accelerator, kernel.Method, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    /// <summary>The launcher of a table-driven kernel: input, output, float table, int table and the batch size.</summary>
    public static Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int> Load(
        Accelerator accelerator, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int> kernel) =>
        (Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int>)Get(accelerator, kernel.Method, () => accelerator.LoadAutoGroupedStreamKernel(kernel));

    private static Delegate Get(Accelerator accelerator, MethodInfo method, Func<Delegate> load)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        var kernels = Loaded.GetValue(accelerator, static _ => new ConcurrentDictionary<MethodInfo, Delegate>());
        return kernels.GetOrAdd(method, static (_, load) => load(), load);
    }
}
