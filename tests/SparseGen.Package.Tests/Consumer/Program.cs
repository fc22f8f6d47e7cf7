using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SparseGen;

// A newcomer's console app: reads float32 samples (count × Net.InputLength) from args[0] and writes
// Net's logits for each to args[1]. Net is generated from model.onnx at build time by the SparseGen package.
var images = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(args[0])).ToArray();
var count = images.Length / Net.InputLength;
var logits = new float[count * Net.OutputLength];
for (var i = 0; i < count; i++)
{
    Net.Predict(images.AsSpan(i * Net.InputLength, Net.InputLength), logits.AsSpan(i * Net.OutputLength, Net.OutputLength));
}

File.WriteAllBytes(args[1], MemoryMarshal.AsBytes(logits.AsSpan()).ToArray());
Console.WriteLine($"samples {count}");
Console.WriteLine($"parameters {Net.Parameters} nonzeros {Net.NonZeros}");
Console.WriteLine($"vector128 {Vector128.IsHardwareAccelerated} vector256 {Vector256.IsHardwareAccelerated} vector512 {Vector512.IsHardwareAccelerated} avx2 {Avx2.IsSupported} fma {Fma.IsSupported} avx512f {Avx512F.IsSupported}");

// The README's line (with the <SparseModel Include="model.onnx" /> item in the project file).
[SparseModel("model.onnx")]
public static partial class Net { }
