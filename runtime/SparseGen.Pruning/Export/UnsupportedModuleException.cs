using System;

namespace SparseGen.Pruning.Export;

/// <summary>A module the ONNX exporter cannot translate, named by its path in the model and its type.</summary>
public sealed class UnsupportedModuleException : NotSupportedException
{
    public UnsupportedModuleException(string modulePath, string moduleType, string reason)
        : base($"cannot export module '{(modulePath.Length == 0 ? "(root)" : modulePath)}' of type {moduleType} to ONNX: {reason}")
    {
        ModulePath = modulePath;
        ModuleType = moduleType;
    }

    public UnsupportedModuleException()
    {
        ModulePath = "";
        ModuleType = "";
    }

    public UnsupportedModuleException(string message)
        : base(message)
    {
        ModulePath = "";
        ModuleType = "";
    }

    public UnsupportedModuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        ModulePath = "";
        ModuleType = "";
    }

    /// <summary>The module's dotted path from the root, as <c>named_modules()</c> spells it (e.g. <c>features.3</c>).</summary>
    public string ModulePath { get; }

    /// <summary>The module's type name, e.g. <c>GELU</c>.</summary>
    public string ModuleType { get; }
}
