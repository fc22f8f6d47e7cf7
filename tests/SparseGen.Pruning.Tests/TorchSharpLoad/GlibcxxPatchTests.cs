using System;
using System.IO;
using System.Linq;
using SparseGen.Build;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Tests.TorchSharpLoad;

/// <summary>The build step that makes TorchSharp load on Debian 12, and TorchSharp itself working afterwards.</summary>
public sealed class GlibcxxPatchTests
{
    private static readonly string NativeWrapper = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Weakening_the_requirement_changes_only_its_flag_and_is_idempotent()
    {
        var original = File.ReadAllBytes(NativeWrapper);
        var copy = (byte[])original.Clone();

        var first = GlibcxxRequirementPatcher.Patch(copy);
        var afterFirst = (byte[])copy.Clone();
        var second = GlibcxxRequirementPatcher.Patch(copy);

        // The build output is patched already on a host that needs it; either way the second run finds it weak.
        Assert.Contains(first, new[] { GlibcxxPatchResult.Patched, GlibcxxPatchResult.AlreadyWeak });
        Assert.Equal(GlibcxxPatchResult.AlreadyWeak, second);
        Assert.Equal(afterFirst, copy);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != copy[i]).ToArray();
        Assert.True(changed.Length <= 1, $"{changed.Length} bytes changed; only the flag byte may");
    }

    [Fact]
    public void A_library_without_the_requirement_is_left_alone()
    {
        var libc = new[] { "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1" }.FirstOrDefault(File.Exists);
        if (libc is null)
        {
            return;
        }

        var bytes = File.ReadAllBytes(libc);
        var copy = (byte[])bytes.Clone();

        Assert.Equal(GlibcxxPatchResult.NotRequired, GlibcxxRequirementPatcher.Patch(copy));
        Assert.Equal(bytes, copy);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(5000)]
    public void Truncated_or_foreign_files_are_rejected_as_invalid_data(int length)
    {
        var truncated = File.ReadAllBytes(NativeWrapper).Take(length).ToArray();

        Assert.Throws<InvalidDataException>(() => GlibcxxRequirementPatcher.Patch(truncated));
        Assert.Throws<InvalidDataException>(() => GlibcxxRequirementPatcher.Patch(new byte[length + 64]));
    }

    [Fact]
    public void TorchSharp_loads_and_trains_a_linear_layer()
    {
        Assert.StartsWith("2.10", __version__, StringComparison.Ordinal);
        manual_seed(1);
        using var scope = NewDisposeScope();
        var inputs = randn(64, 3);
        var targets = inputs.matmul(tensor(new float[] { 1.5f, -2f, 0.5f }).reshape(3, 1)) + 0.25f;
        var layer = nn.Linear(3, 1);
        var optimizer = optim.SGD(layer.parameters(), 0.1);
        var loss = nn.MSELoss();
        var before = loss.forward(layer.forward(inputs), targets).item<float>();

        for (var step = 0; step < 50; step++)
        {
            optimizer.zero_grad();
            loss.forward(layer.forward(inputs), targets).backward();
            optimizer.step();
        }

        var after = loss.forward(layer.forward(inputs), targets).item<float>();
        Assert.True(after < before / 2, $"loss went from {before} to {after}");
    }
}
