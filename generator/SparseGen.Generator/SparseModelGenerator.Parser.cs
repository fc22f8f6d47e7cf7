using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SparseGen.Generator.Model;

namespace SparseGen.Generator;

public sealed partial class SparseModelGenerator
{
    /// <summary>Turns one attributed class into a <see cref="ModelRequest"/>: values only, no symbols or syntax.</summary>
    private static ModelRequest Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var declaration = (ClassDeclarationSyntax)context.TargetNode;
        var attribute = context.Attributes[0];
        var location = EquatableLocation.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? declaration.Identifier.GetLocation());
        var path = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        var key = new ModelKey(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            type.IsStatic,
            path ?? "");

        var problems = new List<DiagnosticInfo>();
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, location, type.Name));
        }

        if (type.ContainingType is not null)
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotTopLevel, location, type.Name, $"nested in '{type.ContainingType.Name}'"));
        }
        else if (type.IsGenericType)
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotTopLevel, location, type.Name, "generic"));
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelPathMissing, location, type.Name));
        }

        return new ModelRequest(key, location, problems.ToImmutableEquatableArray());
    }
}
