namespace SparseGen.Generator.Model;

/// <summary>What the generated code depends on: the class it completes and the model path as written.</summary>
/// <param name="Namespace">The class's namespace as C# writes it (keywords escaped, <c>@event.Models</c>), or null for the global namespace.</param>
/// <param name="ClassName">The class's name as C# writes it (<c>@event</c>).</param>
/// <param name="MetadataName">The class's full name without escapes, for hint names (which may not hold <c>@</c>).</param>
/// <param name="IsStatic">Whether the user declared the class static.</param>
/// <param name="ModelPath">The attribute's path, as written.</param>
internal sealed record ModelKey(string? Namespace, string ClassName, string MetadataName, bool IsStatic, string ModelPath);

/// <summary>What one <c>[SparseModel]</c> attribute asks for.</summary>
internal enum RequestKind
{
    /// <summary>The class takes generated code: the model's, or its API with bodies that throw where the model fails.</summary>
    Generate,

    /// <summary>The class cannot take generated code (not partial, not a class, nested, generic, a member name taken): only its diagnostics.</summary>
    DiagnoseOnly,

    /// <summary>A second attribute on another declaration of a class whose first already asks: nothing at all.</summary>
    Duplicate,
}

/// <summary>One <c>[SparseModel]</c> class: its key, where the attribute is (for diagnostics only), and problems found while parsing.</summary>
internal sealed record ModelRequest(ModelKey Key, EquatableLocation? AttributeLocation, ImmutableEquatableArray<DiagnosticInfo> Problems, RequestKind Kind);
