using System.IO;

namespace SparseGen.Model.Onnx;

public static partial class OnnxWriter
{
    public static void WriteFile(OnnxModelProto model, string path) => File.WriteAllBytes(path, Write(model));
}
