using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseGen.Generator.Emitting;
using SparseGen.Generator.Model;

namespace SparseGen.Generator;

public sealed partial class SparseModelGenerator
{
    /// <summary>Names as C# writes them: a keyword used as a name keeps its <c>@</c>.</summary>
    private static readonly SymbolDisplayFormat EscapedName = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    private static readonly SymbolDisplayFormat EscapedNamespace = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary>Turns one attributed type declaration into a <see cref="ModelRequest"/>: values only, no symbols or syntax.</summary>
    private static ModelRequest Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var declaration = (TypeDeclarationSyntax)context.TargetNode;
        var attribute = context.Attributes[0];
        var location = EquatableLocation.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? declaration.Identifier.GetLocation());
        var path = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        var key = new ModelKey(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(EscapedNamespace),
            type.ToDisplayString(EscapedName),
            MetadataName(type),
            type.IsStatic,
            path ?? "");

        // One request per class: the first of its attributes (in source order) speaks for all.
        var attributes = type.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == AttributeName).ToArray();
        if (attributes.Length > 1 && !IsFirst(attribute, attributes))
        {
            return new ModelRequest(key, location, ImmutableEquatableArray<DiagnosticInfo>.Empty, RequestKind.Duplicate);
        }

        var problems = new List<DiagnosticInfo>();
        var takesCode = true;
        if (type.TypeKind != TypeKind.Class || type.IsRecord)
        {
            var kind = type.IsRecord ? (type.TypeKind == TypeKind.Struct ? "record struct" : "record") : type.TypeKind.ToString().ToLowerInvariant();
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAClass, location, type.Name, kind));
            takesCode = false;
        }
        else if (!declaration.Modifiers.Any(Microsoft.CodeAnalysis.CSharp.SyntaxKind.PartialKeyword))
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, location, type.Name));
            takesCode = false;
        }

        if (type.ContainingType is not null)
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotTopLevel, location, type.Name, $"nested in '{type.ContainingType.Name}'"));
            takesCode = false;
        }
        else if (type.IsGenericType)
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotTopLevel, location, type.Name, "generic"));
            takesCode = false;
        }

        if (attributes.Length > 1)
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttributeOnSeveralDeclarations, location, type.Name, attributes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        foreach (var taken in TakenMemberNames(type))
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameTaken, location, type.Name, taken));
            takesCode = false;
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelPathMissing, location, type.Name));
        }

        return new ModelRequest(key, location, problems.ToImmutableEquatableArray(), takesCode ? RequestKind.Generate : RequestKind.DiagnoseOnly);
    }

    /// <summary>Namespace and type as metadata names them, without <c>@</c>: <c>namespace.Models.class</c>.</summary>
    private static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            name = ns.MetadataName + "." + name;
        }

        return name;
    }

    private static bool IsFirst(AttributeData attribute, AttributeData[] attributes)
    {
        static (string, int) Position(AttributeData a) => (a.ApplicationSyntaxReference?.SyntaxTree.FilePath ?? "", a.ApplicationSyntaxReference?.Span.Start ?? 0);
        var first = attributes.OrderBy(a => Position(a).Item1, System.StringComparer.Ordinal).ThenBy(a => Position(a).Item2).First();
        return Position(first) == Position(attribute);
    }

    /// <summary>The user's members whose names the generated code needs (a method only where its parameters are the generated one's), described for a message.</summary>
    private static IEnumerable<string> TakenMemberNames(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || !GeneratedMembers.Names.Contains(member.Name))
            {
                continue;
            }

            if (member is IMethodSymbol method && method.MethodKind == MethodKind.Ordinary)
            {
                var parameters = method.Parameters.Select(p => p.Type.ToDisplayString()).ToImmutableArray();
                if (GeneratedMembers.MethodSignatures.Any(s => s.Name == method.Name && s.Parameters.SequenceEqual(parameters)))
                {
                    yield return "the method " + method.Name + "(" + string.Join(", ", parameters) + ")";
                }

                continue;
            }

            yield return (member is INamedTypeSymbol ? "a type named '" : "a member named '") + member.Name + "'";
        }
    }
}
