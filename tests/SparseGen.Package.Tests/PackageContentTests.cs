using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using SparseGen.Package.Tests.Infrastructure;

namespace SparseGen.Package.Tests;

/// <summary>What the SparseGen package holds, read from the .nupkg the newcomer's app restored.</summary>
[Collection(NewcomerCollection.Name)]
[Trait("Category", "Packaging")]
public sealed class PackageContentTests
{
    private readonly NewcomerApp app;

    public PackageContentTests(NewcomerApp app) => this.app = app;

    /// <summary>What Microsoft.CodeAnalysis 4.8 (netstandard2.0) itself references, so every compiler host has it.</summary>
    private static readonly string[] CompilerDependencies =
    {
        "netstandard", "System.Collections.Immutable", "System.Reflection.Metadata", "System.Memory", "System.Buffers",
        "System.Numerics.Vectors", "System.Runtime.CompilerServices.Unsafe", "System.Text.Encoding.CodePages",
        "System.Threading.Tasks.Extensions",
    };

    [Fact]
    public void SparseGen_package_has_the_runtime_in_lib_the_generator_in_analyzers_build_files_readme_license_and_no_dependencies()
    {
        using var package = ZipFile.OpenRead(Path.Combine(app.Feed, $"SparseGen.{app.Version}.nupkg"));
        var files = package.Entries.Select(entry => entry.FullName).ToHashSet(StringComparer.Ordinal);

        foreach (var expected in new[]
                 {
                     "lib/net8.0/SparseGen.Runtime.dll", "lib/net8.0/SparseGen.Runtime.xml", "analyzers/dotnet/cs/SparseGen.Generator.dll",
                     "buildTransitive/SparseGen.props", "buildTransitive/SparseGen.targets", "README.md", "LICENSE",
                 })
        {
            Assert.Contains(expected, files);
        }

        // The model layer is compiled into the generator, never shipped beside it or in lib/.
        Assert.DoesNotContain(files, file => file.Contains("SparseGen.Model", StringComparison.Ordinal));
        var nuspec = XDocument.Load(package.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        Assert.DoesNotContain(nuspec.Descendants(), element => element.Name.LocalName == "dependency");
        Assert.Equal("MIT", nuspec.Descendants().Single(element => element.Name.LocalName == "license").Value);
    }

    [Fact]
    public void Generator_references_only_the_compiler_of_roslyn_4_8_and_the_framework()
    {
        using var package = ZipFile.OpenRead(Path.Combine(app.Feed, $"SparseGen.{app.Version}.nupkg"));
        using var generator = new MemoryStream();
        using (var entry = package.GetEntry("analyzers/dotnet/cs/SparseGen.Generator.dll")!.Open())
        {
            entry.CopyTo(generator);
        }

        generator.Position = 0;
        using var pe = new PEReader(generator);
        var metadata = pe.GetMetadataReader();
        var references = metadata.AssemblyReferences.Select(handle => metadata.GetAssemblyReference(handle))
            .Select(reference => (Name: metadata.GetString(reference.Name), reference.Version)).ToList();

        // Loads in every compiler from Roslyn 4.8 (the .NET 8 SDK) on.
        var roslyn = references.Where(reference => reference.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(roslyn);
        Assert.All(roslyn, reference => Assert.True(reference.Version <= new Version(4, 8, 0, 0), $"{reference.Name} {reference.Version} is newer than Roslyn 4.8"));
        // Nothing that the compiler does not carry itself: netstandard and Roslyn 4.8's own dependencies.
        var others = references.Select(reference => reference.Name)
            .Where(name => !name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) && !CompilerDependencies.Contains(name))
            .ToList();
        Assert.True(others.Count == 0, "the generator depends on " + string.Join(", ", others));
    }
}
