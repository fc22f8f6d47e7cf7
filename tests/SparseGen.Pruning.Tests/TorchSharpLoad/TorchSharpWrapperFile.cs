using System;
using System.IO;

namespace SparseGen.Pruning.Tests.TorchSharpLoad;

/// <summary>Where the test run's copies of TorchSharp's native wrapper are.</summary>
internal static class TorchSharpWrapperFile
{
    /// <summary>The build output copy, as patched (or not) by build/TorchSharp.Debian12.targets.</summary>
    public static string InBuildOutput =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    /// <summary>The NuGet cache copy the build copied from; null when the cache is elsewhere.</summary>
    public static string? InNuGetCache()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }
}
