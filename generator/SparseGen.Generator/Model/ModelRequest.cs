namespace SparseGen.Generator.Model;

/// <summary>What the generated code depends on: the class it completes and the model path as written.</summary>
internal sealed record ModelKey(string? Namespace, string ClassName, bool IsStatic, string ModelPath)
{
    public string FullName => Namespace is null ? ClassName : Namespace + "." + ClassName;
}

/// <summary>One <c>[SparseModel]</c> class: its key, where the attribute is (for diagnostics only), and problems found while parsing.</summary>
internal sealed record ModelRequest(ModelKey Key, EquatableLocation? AttributeLocation, ImmutableEquatableArray<DiagnosticInfo> Problems);
