using System;

namespace SparseGen;

/// <summary>
/// Compiles an ONNX model into the attributed partial class at build time. The model file must also be
/// listed in the project as <c>&lt;SparseModel Include="path/to/model.onnx" /&gt;</c>.
/// </summary>
/// <example>
/// <code>
/// [SparseModel("models/net.onnx")]
/// public static partial class Net { }
///
/// Net.Predict(image, logits);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SparseModelAttribute : Attribute
{
    /// <param name="path">The model file, relative to the project folder (or absolute).</param>
    public SparseModelAttribute(string path) => Path = path;

    /// <summary>The model file, relative to the project folder (or absolute).</summary>
    public string Path { get; }
}
