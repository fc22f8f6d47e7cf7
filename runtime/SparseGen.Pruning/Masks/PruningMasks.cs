using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace SparseGen.Pruning.Masks;

/// <summary>
/// The masks of pruned parameters, kept beside their modules (not in them, so state dicts and the ONNX
/// exporter see ordinary parameters). A mask has the parameter's shape, 1 where the weight lives and 0
/// where it was pruned; the parameter itself always holds the masked values.
/// </summary>
internal static class PruningMasks
{
    private static readonly ConditionalWeakTable<nn.Module, Dictionary<string, Tensor>> Table = new();

    public static Tensor? Find(nn.Module module, string name)
    {
        lock (Table)
        {
            return Table.TryGetValue(module, out var masks) && masks.TryGetValue(name, out var mask) ? mask : null;
        }
    }

    public static IReadOnlyList<(string Name, Tensor Mask)> Of(nn.Module module)
    {
        lock (Table)
        {
            return Table.TryGetValue(module, out var masks) ? masks.Select(m => (m.Key, m.Value)).ToList() : Array.Empty<(string, Tensor)>();
        }
    }

    /// <summary>Replaces the mask of <paramref name="name"/> and zeroes the pruned weights.</summary>
    public static void Set(nn.Module module, string name, Tensor mask)
    {
        var parameter = Parameter(module, name);
        var kept = mask.to(parameter.dtype, parameter.device).detach().clone().DetachFromDisposeScope();
        lock (Table)
        {
            var masks = Table.GetOrCreateValue(module);
            if (masks.TryGetValue(name, out var old))
            {
                old.Dispose();
            }

            masks[name] = kept;
        }

        using var noGrad = no_grad();
        parameter.mul_(kept);
    }

    public static bool Remove(nn.Module module, string name)
    {
        lock (Table)
        {
            if (!Table.TryGetValue(module, out var masks) || !masks.TryGetValue(name, out var mask))
            {
                return false;
            }

            masks.Remove(name);
            mask.Dispose();
            return true;
        }
    }

    /// <summary>The parameter <paramref name="name"/> of <paramref name="module"/> itself (not a child's).</summary>
    public static Tensor Parameter(nn.Module module, string name)
    {
        foreach (var (parameterName, parameter) in module.named_parameters(recurse: false))
        {
            if (parameterName == name)
            {
                return parameter;
            }
        }

        var names = string.Join(", ", module.named_parameters(recurse: false).Select(p => p.name));
        throw new ArgumentException(
            $"{module.GetType().Name} has no parameter '{name}' of its own; its parameters are: {(names.Length == 0 ? "none" : names)}",
            nameof(name));
    }
}
