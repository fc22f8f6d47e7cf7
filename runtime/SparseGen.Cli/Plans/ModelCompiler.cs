using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Emitting.Cpu;
using SparseGen.Generator.Planning;

namespace SparseGen.Cli.Plans;

/// <summary>
/// Compiles a plan's generated code in memory, as the source generator would in an app (Release, the SparseGen runtime
/// referenced), and loads it: what <c>inspect --plan --measure</c> times.
/// </summary>
internal static class ModelCompiler
{
    /// <summary>The generated class of <paramref name="plan"/>, compiled and loaded; or the compiler's errors.</summary>
    public static Type Compile(KernelPlan plan, string modelFileName)
    {
        const string Namespace = "SparseGenInspect";
        var source = CpuEmitter.Emit(plan, new EmitTarget(Namespace, "Net", IsStatic: true, modelFileName, "inspect"));
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"));
        var references = platform.Append(typeof(LayerInfo).Assembly.Location).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            Namespace,
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("the generated code does not compile: " + string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
        }

        stream.Position = 0;
        // Not collectible: code in a collectible context is compiled differently by the JIT, and the tool exits after.
        var assembly = new AssemblyLoadContext(Namespace).LoadFromStream(stream);
        return assembly.GetType(Namespace + ".Net", throwOnError: true)!;
    }
}
