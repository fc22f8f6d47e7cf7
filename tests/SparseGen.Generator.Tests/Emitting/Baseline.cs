using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>
/// Snapshot testing without Verify: compares text with <c>Baselines/{Class}.{Method}.verified.cs</c>
/// beside the calling test file. On a mismatch it writes <c>.received.cs</c> next to it and fails.
/// Set <c>SPARSEGEN_UPDATE_BASELINES=1</c> to accept the received text; with <c>CI=true</c> a missing
/// baseline fails instead of being created.
/// </summary>
internal static class Baseline
{
    public static void Match(string actual, [CallerFilePath] string testFile = "", [CallerMemberName] string method = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(SourcePath(testFile))!, "Baselines");
        var name = Path.GetFileNameWithoutExtension(testFile) + "." + method;
        var verified = Path.Combine(folder, name + ".verified.cs");
        var received = Path.Combine(folder, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);

        var update = Environment.GetEnvironmentVariable("SPARSEGEN_UPDATE_BASELINES") == "1";
        var onCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!File.Exists(verified))
        {
            if (onCi && !update)
            {
                Assert.Fail($"no baseline {verified}; run the test locally and commit the file it writes");
            }

            Directory.CreateDirectory(folder);
            File.WriteAllText(verified, actual);
            return;
        }

        var expected = File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        if (update)
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail($"the text differs from {verified} at {FirstDifference(expected, actual)}; compare with {received}, "
            + "then accept it with SPARSEGEN_UPDATE_BASELINES=1 if the change is intended");
    }

    /// <summary>
    /// The test file on disk. CI builds map source paths to <c>/_/</c> (ContinuousIntegrationBuild), so a
    /// mapped path is resolved against the repository that holds the test assembly.
    /// </summary>
    private static string SourcePath(string testFile)
    {
        if (File.Exists(testFile) || !testFile.StartsWith("/_/", StringComparison.Ordinal))
        {
            return testFile;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SparseGen.sln")))
            {
                return Path.Combine(folder.FullName, testFile.Substring(3));
            }
        }

        return testFile;
    }

    private static string FirstDifference(string expected, string actual)
    {
        int line = 1, column = 1;
        for (var i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            if (expected[i] != actual[i])
            {
                return $"line {line}, column {column}";
            }

            (line, column) = expected[i] == '\n' ? (line + 1, 1) : (line, column + 1);
        }

        return $"the end of the shorter text (line {line})";
    }
}
