using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace SparseGen.Generator.Model;

/// <summary>A location that compares by value and holds no syntax tree (pipeline values must not root compilations).</summary>
internal sealed record EquatableLocation(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static EquatableLocation? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new EquatableLocation(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic as data: descriptor, message arguments and (when known) where.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, EquatableLocation? Location, ImmutableEquatableArray<string> MessageArguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, EquatableLocation? location, params string[] arguments) =>
        new(descriptor, location, arguments.ToImmutableEquatableArray());

    public DiagnosticInfo At(EquatableLocation? location) => this with { Location = location };

    /// <summary>The message as the compiler prints it.</summary>
    public string Message => string.Format(
        System.Globalization.CultureInfo.InvariantCulture,
        Descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture),
        MessageArguments.Cast<object>().ToArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), MessageArguments.Cast<object>().ToArray());

    public bool Equals(DiagnosticInfo? other) =>
        other is not null && Descriptor.Id == other.Descriptor.Id && Equals(Location, other.Location) && MessageArguments.Equals(other.MessageArguments);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Descriptor.Id) ^ MessageArguments.GetHashCode();
}
