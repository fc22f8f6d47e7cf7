namespace SparseGen.Generator.Emitting;

/// <summary>The class the generated code completes and the model it comes from.</summary>
/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="ClassName">The partial class's name.</param>
/// <param name="IsStatic">Whether the user declared the class static.</param>
/// <param name="ModelFileName">The model file's name, for comments.</param>
/// <param name="ContentHash">A hash of the model file's bytes, for the header comment.</param>
internal sealed record EmitTarget(string? Namespace, string ClassName, bool IsStatic, string ModelFileName, string ContentHash);
