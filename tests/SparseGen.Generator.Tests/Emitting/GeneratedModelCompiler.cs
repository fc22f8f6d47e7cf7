using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SparseGen.Generator.Tests.Emitting;

internal delegate void PredictFunction(ReadOnlySpan<float> input, Span<float> output);

internal delegate void PredictBatchFunction(ReadOnlySpan<float> inputs, Span<float> outputs, int batch);

internal delegate void PredictThreadedFunction(ReadOnlySpan<float> input, Span<float> output, int intraOpThreads);

/// <summary>A generated class, compiled and loaded: its Predict methods as delegates.</summary>
internal sealed class CompiledModel
{
    public CompiledModel(Type type)
    {
        Type = type;
        Predict = type.GetMethod("Predict", new[] { typeof(ReadOnlySpan<float>), typeof(Span<float>) })!.CreateDelegate<PredictFunction>();
        PredictThreaded = type.GetMethod("Predict", new[] { typeof(ReadOnlySpan<float>), typeof(Span<float>), typeof(int) })!.CreateDelegate<PredictThreadedFunction>();
        PredictBatch = type.GetMethod("PredictBatch")!.CreateDelegate<PredictBatchFunction>();
        InputLength = (int)type.GetField("InputLength")!.GetValue(null)!;
        OutputLength = (int)type.GetField("OutputLength")!.GetValue(null)!;
    }

    public Type Type { get; }

    public PredictFunction Predict { get; }

    public PredictBatchFunction PredictBatch { get; }

    /// <summary>Predict with intra-op threads: the parts of the larger layers side by side.</summary>
    public PredictThreadedFunction PredictThreaded { get; }

    public int InputLength { get; }

    public int OutputLength { get; }

    /// <summary>Runs <paramref name="batch"/> samples one <see cref="Predict"/> call at a time.</summary>
    public float[] PredictEach(float[] inputs, int batch)
    {
        var outputs = new float[batch * OutputLength];
        for (var sample = 0; sample < batch; sample++)
        {
            Predict(inputs.AsSpan(sample * InputLength, InputLength), outputs.AsSpan(sample * OutputLength, OutputLength));
        }

        return outputs;
    }

    public T Constant<T>(string name) => (T)Type.GetField(name)!.GetValue(null)!;

    public T Property<T>(string name) => (T)Type.GetProperty(name)!.GetValue(null)!;
}

/// <summary>
/// Compiles generated sources as a consumer would (C# 10, nullable on, warnings as errors) and loads
/// the assembly into a collectible context.
/// </summary>
internal static class GeneratedModelCompiler
{
    internal static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"));
        return platform.Append(typeof(LayerInfo).Assembly.Location).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray();
    });

    /// <summary>Compiles the sources into one assembly; fails with the compiler's messages on any warning or error.</summary>
    /// <param name="collectible">
    /// Whether the assembly may be unloaded. The JIT compiles code in a collectible context differently (static data,
    /// some inlining), so what an app's JIT does is checked on a context that is not.
    /// </param>
    public static Assembly Compile(string assemblyName, IEnumerable<(string Path, string Source)> sources, IEnumerable<MetadataReference>? extraReferences = null, bool collectible = true)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp10);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, parseOptions, s.Path)).ToArray();
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            nullableContextOptions: NullableContextOptions.Enable,
            generalDiagnosticOption: ReportDiagnostic.Error,
            concurrentBuild: true);
        var compilation = CSharpCompilation.Create(assemblyName, trees, References.Value.Concat(extraReferences ?? Array.Empty<MetadataReference>()), options);
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        if (!result.Success || problems.Length > 0)
        {
            throw new InvalidOperationException(
                $"the generated code of {assemblyName} does not compile cleanly:\n" + string.Join("\n", problems.Take(20).Select(d => d.ToString())));
        }

        stream.Position = 0;
        var context = new AssemblyLoadContext(assemblyName, isCollectible: collectible);
        return context.LoadFromStream(stream);
    }

    public static CompiledModel CompileOne(string name, string source, string typeName, bool collectible = true)
    {
        var assembly = Compile(name, new[] { (name + ".g.cs", source) }, collectible: collectible);
        return new CompiledModel(assembly.GetType(typeName, throwOnError: true)!);
    }
}
