// Makes TorchSharp's native wrapper load on hosts whose libstdc++ predates GCC 13 (Debian 12).
// Why this is safe and when it runs: docs/torchsharp.md.
//
// This one file is compiled twice: by MSBuild's RoslynCodeTaskFactory for build/TorchSharp.Debian12.targets
// (patcher and task), and into tests/SparseGen.Pruning.Tests (patcher only, SPARSEGEN_PATCHER_WITHOUT_TASK)
// so the bytes it writes are unit-tested. It therefore targets netstandard2.0 and the MSBuild task API only.
#nullable enable

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace SparseGen.Build
{
    /// <summary>What <see cref="GlibcxxRequirementPatcher"/> did to one library.</summary>
    public enum GlibcxxPatchOutcome
    {
        /// <summary>The version requirement was strong and is now weak.</summary>
        Patched,

        /// <summary>The version requirement was already weak: nothing was written.</summary>
        AlreadyWeak,

        /// <summary>The host's libstdc++ defines the version: the library was left as it is.</summary>
        NotNeeded,

        /// <summary>The library asks for no such version: nothing was written.</summary>
        NotFound,
    }

    /// <summary>
    /// Marks one symbol-version requirement of an ELF64 little-endian shared library weak
    /// (<c>VER_FLG_WEAK</c> in the <c>vna_flags</c> of its <c>Vernaux</c> entry in <c>.gnu.version_r</c>),
    /// so the dynamic loader accepts a libstdc++ that lacks the version instead of refusing to load.
    /// Only the two flag bytes change.
    /// </summary>
    public static class GlibcxxRequirementPatcher
    {
        /// <summary>The version libLibTorchSharp.so (TorchSharp 0.107.0, built with GCC 13) asks libstdc++ for.</summary>
        public const string Glibcxx3432 = "GLIBCXX_3.4.32";

        /// <summary><c>VER_FLG_WEAK</c> from elf.h.</summary>
        public const ushort VerFlagWeak = 2;

        private const uint SectionTypeStringTable = 3;        // SHT_STRTAB
        private const uint SectionTypeVersionNeeds = 0x6ffffffe; // SHT_GNU_verneed
        private const int ElfHeaderSize = 64;
        private const int SectionHeaderSize = 64;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;

        /// <summary>
        /// Weakens <paramref name="versionName"/> in the ELF image <paramref name="elf"/>, in memory.
        /// Returns the byte offsets of the <c>vna_flags</c> fields it changed (empty unless <see cref="GlibcxxPatchOutcome.Patched"/>).
        /// </summary>
        /// <exception cref="InvalidDataException">The bytes are not a well-formed ELF64 little-endian file.</exception>
        public static GlibcxxPatchOutcome WeakenRequirement(byte[] elf, string versionName, out IReadOnlyList<long> changedFlagOffsets)
        {
            var flagOffsets = FindVernauxFlagOffsets(elf, versionName);
            var changed = new List<long>();
            foreach (var offset in flagOffsets)
            {
                var flags = ReadUInt16(elf, offset);
                if ((flags & VerFlagWeak) == 0)
                {
                    WriteUInt16(elf, offset, (ushort)(flags | VerFlagWeak));
                    changed.Add(offset);
                }
            }

            changedFlagOffsets = changed;
            if (flagOffsets.Count == 0)
            {
                return GlibcxxPatchOutcome.NotFound;
            }

            return changed.Count > 0 ? GlibcxxPatchOutcome.Patched : GlibcxxPatchOutcome.AlreadyWeak;
        }

        /// <summary>
        /// Weakens <paramref name="versionName"/> in the library at <paramref name="libraryPath"/>. The file is
        /// replaced, not written through, so a hard or symbolic link into the NuGet cache is never modified.
        /// </summary>
        /// <exception cref="InvalidDataException">The file is not a well-formed ELF64 little-endian file.</exception>
        public static GlibcxxPatchOutcome WeakenRequirementInFile(string libraryPath, string versionName)
        {
            var bytes = File.ReadAllBytes(libraryPath);
            var outcome = WeakenRequirement(bytes, versionName, out var changedFlagOffsets);
            if (outcome == GlibcxxPatchOutcome.Patched)
            {
                // A copy is a new file with the original's permissions; only the flag fields are written into it.
                var temporaryPath = libraryPath + ".weakening";
                File.Copy(libraryPath, temporaryPath, overwrite: true);
                using (var stream = new FileStream(temporaryPath, FileMode.Open, FileAccess.Write))
                {
                    foreach (var offset in changedFlagOffsets)
                    {
                        stream.Position = offset;
                        stream.Write(bytes, (int)offset, 2);
                    }
                }

                File.Delete(libraryPath);
                File.Move(temporaryPath, libraryPath);
            }

            return outcome;
        }

        /// <summary>
        /// Weakens <paramref name="versionName"/> in <paramref name="libraryPath"/> only when the host's
        /// libstdc++ (<paramref name="hostLibstdcxxPath"/>) does not define it.
        /// </summary>
        public static GlibcxxPatchOutcome WeakenRequirementIfHostLacks(string libraryPath, string hostLibstdcxxPath, string versionName)
        {
            return FileContainsVersionName(hostLibstdcxxPath, versionName)
                ? GlibcxxPatchOutcome.NotNeeded
                : WeakenRequirementInFile(libraryPath, versionName);
        }

        /// <summary>
        /// The libstdc++.so.6 the dynamic loader would pick for a process on this host: the first found in
        /// LD_LIBRARY_PATH, then the multiarch and default directories. Null when there is none.
        /// </summary>
        public static string? FindHostLibstdcxx()
        {
            foreach (var directory in LoaderSearchDirectories())
            {
                var candidate = Path.Combine(directory, "libstdc++.so.6");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        /// <summary>
        /// Whether the file holds <paramref name="versionName"/> as a NUL-terminated string, as every library
        /// defining that symbol version does in its dynamic string table.
        /// </summary>
        public static bool FileContainsVersionName(string path, string versionName)
        {
            var needle = Encoding.ASCII.GetBytes(versionName + "\0");
            var haystack = File.ReadAllBytes(path);
            return IndexOf(haystack, needle) >= 0;
        }

        private static IEnumerable<string> LoaderSearchDirectories()
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                foreach (var directory in fromEnvironment!.Split(':'))
                {
                    if (directory.Length > 0)
                    {
                        yield return directory;
                    }
                }
            }

            var multiarch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            yield return "/usr/lib/" + multiarch;
            yield return "/lib/" + multiarch;
            yield return "/usr/lib64";
            yield return "/lib64";
            yield return "/usr/lib";
            yield return "/lib";
        }

        /// <summary>
        /// The byte offsets of the <c>vna_flags</c> fields of every <c>Vernaux</c> entry named
        /// <paramref name="versionName"/>; empty when the library asks for no such version.
        /// </summary>
        /// <exception cref="InvalidDataException">The bytes are not a well-formed ELF64 little-endian file.</exception>
        public static IReadOnlyList<long> FindRequirementFlagOffsets(byte[] elf, string versionName)
        {
            return FindVernauxFlagOffsets(elf, versionName);
        }

        private static List<long> FindVernauxFlagOffsets(byte[] elf, string versionName)
        {
            if (elf.Length < ElfHeaderSize || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException("Not an ELF file (no \\x7fELF magic or shorter than an ELF header).");
            }

            if (elf[4] != 2 || elf[5] != 1)
            {
                throw new InvalidDataException(string.Format(
                    CultureInfo.InvariantCulture,
                    "Only ELF64 little-endian files are supported (EI_CLASS={0}, EI_DATA={1}).",
                    elf[4],
                    elf[5]));
            }

            var sectionHeadersOffset = ReadUInt64(elf, 0x28);
            var sectionHeaderSize = ReadUInt16(elf, 0x3A);
            long sectionCount = ReadUInt16(elf, 0x3C);
            var offsets = new List<long>();
            if (sectionHeadersOffset == 0)
            {
                return offsets;
            }

            if (sectionHeaderSize < SectionHeaderSize)
            {
                throw new InvalidDataException("ELF section header entries are smaller than 64 bytes.");
            }

            if (sectionCount == 0)
            {
                // More than 0xff00 sections: the real count is in section 0's sh_size.
                sectionCount = (long)ReadUInt64(elf, CheckedOffset(elf, sectionHeadersOffset, 32, 8));
            }

            if (sectionCount < 0 || sectionCount > elf.Length / SectionHeaderSize)
            {
                throw new InvalidDataException("The ELF header claims more sections than the file can hold (truncated?).");
            }

            for (long index = 0; index < sectionCount; index++)
            {
                var header = SectionHeaderOffset(elf, sectionHeadersOffset, sectionHeaderSize, index);
                if (ReadUInt32(elf, header + 4) != SectionTypeVersionNeeds)
                {
                    continue;
                }

                var linkedIndex = ReadUInt32(elf, header + 40);
                if (linkedIndex >= sectionCount)
                {
                    throw new InvalidDataException("The version-needs section links to a string table that does not exist.");
                }

                var stringsHeader = SectionHeaderOffset(elf, sectionHeadersOffset, sectionHeaderSize, linkedIndex);
                if (ReadUInt32(elf, stringsHeader + 4) != SectionTypeStringTable)
                {
                    throw new InvalidDataException("The version-needs section links to a section that is not a string table.");
                }

                var strings = SectionBounds(elf, stringsHeader);
                var needs = SectionBounds(elf, header);
                CollectFlagOffsets(elf, needs, ReadUInt32(elf, header + 44), strings, versionName, offsets);
            }

            return offsets;
        }

        private static void CollectFlagOffsets(byte[] elf, SectionRange needs, uint needCount, SectionRange strings, string versionName, List<long> flagOffsets)
        {
            // Counts and the section's own size both bound the walk, so a malformed chain cannot loop forever.
            var maximumEntries = needs.Size / Math.Min(VerneedSize, VernauxSize);
            long visited = 0;
            long need = needs.Start;
            for (uint n = 0; n < needCount; n++)
            {
                RequireInside(needs, need, VerneedSize, "Verneed");
                var auxCount = ReadUInt16(elf, need + 2);
                long aux = need + ReadUInt32(elf, need + 8);
                for (uint a = 0; a < auxCount; a++)
                {
                    if (++visited > maximumEntries)
                    {
                        throw new InvalidDataException("The Verneed/Vernaux chain has more entries than its section can hold.");
                    }

                    RequireInside(needs, aux, VernauxSize, "Vernaux");
                    var name = ReadString(elf, strings, ReadUInt32(elf, aux + 8));
                    if (string.Equals(name, versionName, StringComparison.Ordinal))
                    {
                        flagOffsets.Add(aux + 4);
                    }

                    var nextAux = ReadUInt32(elf, aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += nextAux;
                }

                var nextNeed = ReadUInt32(elf, need + 12);
                if (nextNeed == 0)
                {
                    break;
                }

                need += nextNeed;
            }
        }

        private static string ReadString(byte[] elf, SectionRange strings, uint offsetInTable)
        {
            if (offsetInTable >= strings.Size)
            {
                throw new InvalidDataException("A version name points outside its string table.");
            }

            var start = strings.Start + offsetInTable;
            var end = start;
            while (end < strings.Start + strings.Size && elf[end] != 0)
            {
                end++;
            }

            if (end == strings.Start + strings.Size)
            {
                throw new InvalidDataException("A version name runs past the end of its string table.");
            }

            return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
        }

        private static long SectionHeaderOffset(byte[] elf, ulong sectionHeadersOffset, ushort sectionHeaderSize, long index)
        {
            // index is below the section count, which FindVernauxFlagOffsets bounds by the file length.
            var offset = sectionHeadersOffset > (ulong)elf.Length ? long.MaxValue : (long)sectionHeadersOffset + (index * sectionHeaderSize);
            if (offset > elf.Length - SectionHeaderSize)
            {
                throw new InvalidDataException("The ELF section header table runs past the end of the file (truncated?).");
            }

            return offset;
        }

        private static SectionRange SectionBounds(byte[] elf, long header)
        {
            var start = ReadUInt64(elf, header + 24);
            var size = ReadUInt64(elf, header + 32);
            if (start > (ulong)elf.Length || size > (ulong)elf.Length - start)
            {
                throw new InvalidDataException("An ELF section runs past the end of the file (truncated?).");
            }

            return new SectionRange((long)start, (long)size);
        }

        private static void RequireInside(SectionRange section, long offset, int size, string what)
        {
            if (offset < section.Start || offset + size > section.Start + section.Size)
            {
                throw new InvalidDataException(what + " entry lies outside the .gnu.version_r section.");
            }
        }

        private static long CheckedOffset(byte[] elf, ulong baseOffset, int add, int size)
        {
            if (baseOffset > (ulong)elf.Length || (ulong)(add + size) > (ulong)elf.Length - baseOffset)
            {
                throw new InvalidDataException("An ELF offset points past the end of the file (truncated?).");
            }

            return (long)baseOffset + add;
        }

        private static ushort ReadUInt16(byte[] bytes, long offset)
        {
            RequireBytes(bytes, offset, 2);
            return (ushort)(bytes[offset] | (bytes[offset + 1] << 8));
        }

        private static uint ReadUInt32(byte[] bytes, long offset)
        {
            RequireBytes(bytes, offset, 4);
            return bytes[offset] | ((uint)bytes[offset + 1] << 8) | ((uint)bytes[offset + 2] << 16) | ((uint)bytes[offset + 3] << 24);
        }

        private static ulong ReadUInt64(byte[] bytes, long offset)
        {
            return ReadUInt32(bytes, offset) | ((ulong)ReadUInt32(bytes, offset + 4) << 32);
        }

        private static void WriteUInt16(byte[] bytes, long offset, ushort value)
        {
            RequireBytes(bytes, offset, 2);
            bytes[offset] = (byte)value;
            bytes[offset + 1] = (byte)(value >> 8);
        }

        private static void RequireBytes(byte[] bytes, long offset, int count)
        {
            if (offset < 0 || offset + count > bytes.Length)
            {
                throw new InvalidDataException("ELF data ends early (truncated file).");
            }
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            var last = haystack.Length - needle.Length;
            for (var i = 0; i <= last; i++)
            {
                if (haystack[i] != needle[0])
                {
                    continue;
                }

                var j = 1;
                while (j < needle.Length && haystack[i + j] == needle[j])
                {
                    j++;
                }

                if (j == needle.Length)
                {
                    return i;
                }
            }

            return -1;
        }

        private readonly struct SectionRange
        {
            public SectionRange(long start, long size)
            {
                Start = start;
                Size = size;
            }

            public long Start { get; }

            public long Size { get; }
        }
    }

#if !SPARSEGEN_PATCHER_WITHOUT_TASK
    /// <summary>
    /// MSBuild task: weakens GLIBCXX_3.4.32 in the given copies of libLibTorchSharp.so when the host's
    /// libstdc++ lacks it, and logs one line saying what it did or why nothing was needed.
    /// </summary>
    public sealed class WeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        /// <summary>The output or publish copies of libLibTorchSharp.so.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>The NuGet package root: files under it are never touched.</summary>
        public string? PackageRoot { get; set; }

        public override bool Execute()
        {
            const Microsoft.Build.Framework.MessageImportance High = Microsoft.Build.Framework.MessageImportance.High;
            const string Prefix = "TorchSharp GLIBCXX fix: ";
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                Log.LogMessage(Prefix + "not Linux, nothing to do.");
                return true;
            }

            var hostLibstdcxx = GlibcxxRequirementPatcher.FindHostLibstdcxx();
            if (hostLibstdcxx is null)
            {
                Log.LogMessage(High, Prefix + "no libstdc++.so.6 found on this host; libraries left as they are.");
                return true;
            }

            var results = new List<string>();
            foreach (var item in Libraries)
            {
                var path = Path.GetFullPath(item.ItemSpec);
                if (IsUnderPackageRoot(path))
                {
                    results.Add(path + ": in the NuGet cache, skipped");
                    continue;
                }

                try
                {
                    var outcome = GlibcxxRequirementPatcher.WeakenRequirementIfHostLacks(path, hostLibstdcxx, GlibcxxRequirementPatcher.Glibcxx3432);
                    if (outcome == GlibcxxPatchOutcome.NotNeeded)
                    {
                        Log.LogMessage(High, Prefix + "not needed, " + hostLibstdcxx + " defines " + GlibcxxRequirementPatcher.Glibcxx3432 + ".");
                        return true;
                    }

                    results.Add(path + ": " + outcome);
                }
                catch (InvalidDataException exception)
                {
                    Log.LogError(Prefix + path + " is not a usable ELF64 library: " + exception.Message);
                    return false;
                }
            }

            Log.LogMessage(High, Prefix + "host " + hostLibstdcxx + " lacks " + GlibcxxRequirementPatcher.Glibcxx3432
                + ", requirement marked weak: " + string.Join("; ", results));
            return true;
        }

        private bool IsUnderPackageRoot(string path)
        {
            if (string.IsNullOrEmpty(PackageRoot))
            {
                return false;
            }

            var root = Path.GetFullPath(PackageRoot!).TrimEnd('/') + "/";
            return path.StartsWith(root, StringComparison.Ordinal);
        }
    }
#endif
}
