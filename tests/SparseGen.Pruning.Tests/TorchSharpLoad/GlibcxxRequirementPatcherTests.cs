using System;
using System.Collections.Generic;
using System.IO;
using SparseGen.Build;

namespace SparseGen.Pruning.Tests.TorchSharpLoad;

public sealed class GlibcxxRequirementPatcherTests : IDisposable
{
    private const string Version = GlibcxxRequirementPatcher.Glibcxx3432;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sparsegen-glibcxx-" + Guid.NewGuid().ToString("N"));

    public GlibcxxRequirementPatcherTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void RealWrapperAsksForGlibcxx3432Once()
    {
        var offsets = GlibcxxRequirementPatcher.FindRequirementFlagOffsets(StrongWrapperBytes(), Version);

        Assert.Single(offsets);
    }

    [Fact]
    public void PatchingACopySetsTheWeakFlagAndChangesNoOtherByte()
    {
        var original = StrongWrapperBytes();
        var path = Path.Combine(_directory, "libLibTorchSharp.so");
        File.WriteAllBytes(path, original);

        var outcome = GlibcxxRequirementPatcher.WeakenRequirementInFile(path, Version);

        Assert.Equal(GlibcxxPatchOutcome.Patched, outcome);
        var patched = File.ReadAllBytes(path);
        var flagOffset = Assert.Single(GlibcxxRequirementPatcher.FindRequirementFlagOffsets(patched, Version));
        var flags = patched[flagOffset] | (patched[flagOffset + 1] << 8);
        Assert.Equal(GlibcxxRequirementPatcher.VerFlagWeak, flags & GlibcxxRequirementPatcher.VerFlagWeak);
        Assert.Equal(original.Length, patched.Length);
        Assert.Equal(new List<long> { flagOffset }, DifferingOffsets(original, patched));
    }

    [Fact]
    public void PatchingTwiceReportsAlreadyWeakAndLeavesTheFileAlone()
    {
        var path = Path.Combine(_directory, "libLibTorchSharp.so");
        File.WriteAllBytes(path, StrongWrapperBytes());
        GlibcxxRequirementPatcher.WeakenRequirementInFile(path, Version);
        var once = File.ReadAllBytes(path);

        var outcome = GlibcxxRequirementPatcher.WeakenRequirementInFile(path, Version);

        Assert.Equal(GlibcxxPatchOutcome.AlreadyWeak, outcome);
        Assert.Equal(once, File.ReadAllBytes(path));
    }

    [Fact]
    public void ARequirementTheLibraryDoesNotHaveIsNotFound()
    {
        var bytes = StrongWrapperBytes();
        var before = (byte[])bytes.Clone();

        var outcome = GlibcxxRequirementPatcher.WeakenRequirement(bytes, "GLIBCXX_9.9.99", out var changed);

        Assert.Equal(GlibcxxPatchOutcome.NotFound, outcome);
        Assert.Empty(changed);
        Assert.Equal(before, bytes);
    }

    [Fact]
    public void AHostThatDefinesTheVersionLeavesTheLibraryUntouched()
    {
        var library = Path.Combine(_directory, "libLibTorchSharp.so");
        var original = StrongWrapperBytes();
        File.WriteAllBytes(library, original);
        var newerLibstdcxx = Path.Combine(_directory, "libstdc++.so.6");
        File.WriteAllBytes(newerLibstdcxx, [.. "\0GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0GLIBCXX_3.4.33\0"u8]);

        var outcome = GlibcxxRequirementPatcher.WeakenRequirementIfHostLacks(library, newerLibstdcxx, Version);

        Assert.Equal(GlibcxxPatchOutcome.NotNeeded, outcome);
        Assert.Equal(original, File.ReadAllBytes(library));
    }

    [Fact]
    public void AHostThatLacksTheVersionGetsTheLibraryPatched()
    {
        var library = Path.Combine(_directory, "libLibTorchSharp.so");
        File.WriteAllBytes(library, StrongWrapperBytes());
        // GLIBCXX_3.4.320 must not count as GLIBCXX_3.4.32: names end at their NUL.
        var olderLibstdcxx = Path.Combine(_directory, "libstdc++.so.6");
        File.WriteAllBytes(olderLibstdcxx, [.. "\0GLIBCXX_3.4.30\0GLIBCXX_3.4.320\0"u8]);

        var outcome = GlibcxxRequirementPatcher.WeakenRequirementIfHostLacks(library, olderLibstdcxx, Version);

        Assert.Equal(GlibcxxPatchOutcome.Patched, outcome);
    }

    [Fact]
    public void BuildOutputCopyIsWeakExactlyWhenTheHostLibstdcxxLacksTheVersion()
    {
        var host = GlibcxxRequirementPatcher.FindHostLibstdcxx();
        Assert.NotNull(host);
        var hostLacksVersion = !GlibcxxRequirementPatcher.FileContainsVersionName(host, Version);

        var outcome = GlibcxxRequirementPatcher.WeakenRequirement(File.ReadAllBytes(TorchSharpWrapperFile.InBuildOutput), Version, out _);

        Assert.Equal(hostLacksVersion ? GlibcxxPatchOutcome.AlreadyWeak : GlibcxxPatchOutcome.Patched, outcome);
    }

    [Fact]
    public void NuGetCacheCopyIsNeverPatched()
    {
        var cached = TorchSharpWrapperFile.InNuGetCache();
        if (cached is null)
        {
            return; // The packages live somewhere this test does not know; the build's own guard still applies.
        }

        var outcome = GlibcxxRequirementPatcher.WeakenRequirement(File.ReadAllBytes(cached), Version, out _);

        Assert.Equal(GlibcxxPatchOutcome.Patched, outcome);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(63)]
    public void InputShorterThanAnElfHeaderIsInvalidData(int length)
    {
        Assert.Throws<InvalidDataException>(() => GlibcxxRequirementPatcher.WeakenRequirement(new byte[length], Version, out _));
    }

    [Fact]
    public void TextIsInvalidData()
    {
        var text = "#!/bin/sh\necho this is not a shared library, it only pretends to be one by its name\n"u8.ToArray();

        var exception = Assert.Throws<InvalidDataException>(() => GlibcxxRequirementPatcher.WeakenRequirement(text, Version, out _));

        Assert.Contains("Not an ELF file", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Elf32IsInvalidData()
    {
        var bytes = StrongWrapperBytes();
        bytes[4] = 1; // EI_CLASS = ELFCLASS32

        var exception = Assert.Throws<InvalidDataException>(() => GlibcxxRequirementPatcher.WeakenRequirement(bytes, Version, out _));

        Assert.Contains("ELF64 little-endian", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnElfWithoutSectionHeadersIsNotFound()
    {
        var bytes = StrongWrapperBytes()[..64];
        Array.Clear(bytes, 0x28, 8); // e_shoff = 0

        Assert.Equal(GlibcxxPatchOutcome.NotFound, GlibcxxRequirementPatcher.WeakenRequirement(bytes, Version, out _));
    }

    [Fact]
    public void EveryTruncationIsInvalidDataOrAnOutcomeNeverAnotherException()
    {
        var original = StrongWrapperBytes();
        var lengths = new List<int> { 64, 65, 4096, original.Length / 2, original.Length - 64, original.Length - 1 };

        foreach (var length in lengths)
        {
            var truncated = original[..length];
            var exception = Record.Exception(() => GlibcxxRequirementPatcher.WeakenRequirement(truncated, Version, out _));
            Assert.True(exception is null or InvalidDataException, $"length {length}: {exception}");
        }
    }

    [Fact]
    public void CorruptHeadersAndVersionTablesAreInvalidDataOrAnOutcomeNeverAnotherException()
    {
        var original = StrongWrapperBytes();
        var flagOffset = GlibcxxRequirementPatcher.FindRequirementFlagOffsets(original, Version)[0];
        var sectionHeaders = (int)BitConverter.ToUInt64(original, 0x28);
        // Corrupt the ELF header, the section header table and the version-needs entries around the flag.
        var regions = new (int Start, int Length)[] { (0, 64), (sectionHeaders, original.Length - sectionHeaders), ((int)flagOffset - 256, 512) };
        var random = new Random(20240607);

        for (var trial = 0; trial < 600; trial++)
        {
            var bytes = (byte[])original.Clone();
            var (start, length) = regions[trial % regions.Length];
            for (var flips = 0; flips < 4; flips++)
            {
                bytes[start + random.Next(length)] = (byte)random.Next(256);
            }

            var exception = Record.Exception(() => GlibcxxRequirementPatcher.WeakenRequirement(bytes, Version, out _));
            Assert.True(exception is null or InvalidDataException, $"trial {trial}: {exception}");
        }
    }

    /// <summary>
    /// The wrapper as the package ships it: the build output copy (weak on a Debian 12 host) with the weak
    /// flag cleared again, so the tests start from the same bytes on every host.
    /// </summary>
    private static byte[] StrongWrapperBytes()
    {
        var bytes = File.ReadAllBytes(TorchSharpWrapperFile.InBuildOutput);
        foreach (var offset in GlibcxxRequirementPatcher.FindRequirementFlagOffsets(bytes, Version))
        {
            bytes[offset] &= unchecked((byte)~GlibcxxRequirementPatcher.VerFlagWeak);
        }

        return bytes;
    }

    private static List<long> DifferingOffsets(byte[] left, byte[] right)
    {
        var offsets = new List<long>();
        for (var i = 0; i < left.Length; i++)
        {
            if (left[i] != right[i])
            {
                offsets.Add(i);
            }
        }

        return offsets;
    }
}
