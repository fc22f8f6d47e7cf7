// Makes TorchSharp-cpu 0.107.0 load on Debian 12 (see docs/torchsharp.md). Compiled twice: by MSBuild's
// RoslynCodeTaskFactory for the build step, and into the pruning tests (SPARSEGEN_PATCHER_TESTS) to test it.
using System;
using System.IO;
using System.Linq;
using System.Text;

namespace SparseGen.Build
{
    /// <summary>What the patcher did to one file.</summary>
    public enum GlibcxxPatchResult
    {
        /// <summary>The GLIBCXX_3.4.32 requirement is now weak.</summary>
        Patched,
        /// <summary>It was weak already (an earlier build patched this copy).</summary>
        AlreadyWeak,
        /// <summary>The file does not require GLIBCXX_3.4.32 at all.</summary>
        NotRequired,
    }

    /// <summary>
    /// TorchSharp's native wrapper libLibTorchSharp.so was built with GCC 13 and requires the symbol version
    /// GLIBCXX_3.4.32 of libstdc++, which Debian 12 (GCC 12) lacks. GCC 13 references that version only
    /// through std::ios_base_library_init, which no relocation uses, so nothing ever binds to it. Marking the
    /// requirement weak (VER_FLG_WEAK in its Vernaux entry of .gnu.version_r) makes the dynamic loader accept
    /// the library; everything else in the file stays byte for byte the same.
    /// </summary>
    public static class GlibcxxRequirementPatcher
    {
        public const string Version = "GLIBCXX_3.4.32";
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlagWeak = 0x2;

        /// <summary>Patches the ELF64 little-endian image in place; throws InvalidDataException for anything else.</summary>
        public static GlibcxxPatchResult Patch(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException("not an ELF file");
            }

            if (elf[4] != 2 || elf[5] != 1)
            {
                throw new InvalidDataException("not a 64-bit little-endian ELF file");
            }

            var sectionTable = checked((long)U64(elf, 0x28));
            int entrySize = U16(elf, 0x3A), sectionCount = U16(elf, 0x3C);
            if (entrySize < 64 || sectionTable <= 0 || sectionTable + (long)entrySize * sectionCount > elf.Length)
            {
                throw new InvalidDataException("the section header table lies outside the file");
            }

            for (var i = 0; i < sectionCount; i++)
            {
                var header = (int)(sectionTable + (long)i * entrySize);
                if (U32(elf, header + 4) != ShtGnuVerneed)
                {
                    continue;
                }

                var strings = (int)(sectionTable + (long)U32(elf, header + 0x28) * entrySize);
                var stringsOffset = Checked(elf, U64(elf, strings + 0x18));
                var needOffset = Checked(elf, U64(elf, header + 0x18));
                var needCount = U32(elf, header + 0x2C);
                for (uint need = 0; need < needCount; need++)
                {
                    var auxCount = U16(elf, needOffset + 2);
                    var aux = Checked(elf, (ulong)needOffset + U32(elf, needOffset + 8));
                    for (var j = 0; j < auxCount; j++)
                    {
                        var name = ReadString(elf, Checked(elf, (ulong)stringsOffset + U32(elf, aux + 8)));
                        if (name == Version)
                        {
                            var flags = U16(elf, aux + 4);
                            if ((flags & VerFlagWeak) != 0)
                            {
                                return GlibcxxPatchResult.AlreadyWeak;
                            }

                            flags |= VerFlagWeak;
                            elf[aux + 4] = (byte)flags;
                            elf[aux + 5] = (byte)(flags >> 8);
                            return GlibcxxPatchResult.Patched;
                        }

                        aux = Checked(elf, (ulong)aux + U32(elf, aux + 12));
                    }

                    needOffset = Checked(elf, (ulong)needOffset + U32(elf, needOffset + 12));
                }
            }

            return GlibcxxPatchResult.NotRequired;
        }

        /// <summary>True when this host's libstdc++ provides GLIBCXX_3.4.32 (then nothing needs patching).</summary>
        public static bool HostProvidesVersion()
        {
            var folders = new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" };
            var library = folders.Select(folder => Path.Combine(folder, "libstdc++.so.6")).FirstOrDefault(File.Exists);
            if (library is null)
            {
                return false;
            }

            var marker = Encoding.ASCII.GetBytes(Version + "\0");
            var bytes = File.ReadAllBytes(library);
            for (var i = 0; i + marker.Length <= bytes.Length; i++)
            {
                if (bytes[i] == marker[0] && bytes.Skip(i).Take(marker.Length).SequenceEqual(marker))
                {
                    return true;
                }
            }

            return false;
        }

        private static int Checked(byte[] elf, ulong offset) =>
            offset + 16 <= (ulong)elf.Length ? (int)offset : throw new InvalidDataException($"offset {offset} lies outside the file");

        private static string ReadString(byte[] elf, int offset)
        {
            var end = Array.IndexOf(elf, (byte)0, offset);
            return end < 0 ? throw new InvalidDataException("unterminated string") : Encoding.ASCII.GetString(elf, offset, end - offset);
        }

        private static ushort U16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);

        private static uint U32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);

        private static ulong U64(byte[] b, int o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
    }

#if !SPARSEGEN_PATCHER_TESTS
    /// <summary>The MSBuild task: patches the given output copies of libLibTorchSharp.so when this host needs it.</summary>
    public sealed class PatchTorchSharpGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        public override bool Execute()
        {
            if (GlibcxxRequirementPatcher.HostProvidesVersion())
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "TorchSharp: this host's libstdc++ provides " + GlibcxxRequirementPatcher.Version + "; nothing to patch.");
                return true;
            }

            foreach (var item in Files)
            {
                var path = item.ItemSpec;
                var bytes = File.ReadAllBytes(path);
                var result = GlibcxxRequirementPatcher.Patch(bytes);
                if (result == GlibcxxPatchResult.Patched)
                {
                    File.WriteAllBytes(path, bytes);
                }

                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"TorchSharp: {result} {GlibcxxRequirementPatcher.Version} requirement in {path} (this host's libstdc++ lacks it).");
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif
}
