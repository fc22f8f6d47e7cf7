using System.Collections.Generic;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Planning;

/// <summary>Operations by identity: two ops of one graph may be equal as records.</summary>
internal sealed class ReferenceComparer : IEqualityComparer<Operation>
{
    public static ReferenceComparer Instance { get; } = new();

    public bool Equals(Operation? x, Operation? y) => ReferenceEquals(x, y);

    public int GetHashCode(Operation obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
}
