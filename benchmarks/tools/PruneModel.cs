#:project ../../generator/SparseGen.Model/SparseGen.Model.csproj
// Writes a magnitude-pruned copy of an ONNX model: the named float initializers keep their largest
// |w| (a fraction 1 − sparsity of them), the rest become 0. A stand-in for a trained sparse model.
//   dotnet run benchmarks/tools/PruneModel.cs -- <in.onnx> <out.onnx> <sparsity> <initializer>...
using System;
using System.IO;
using System.Linq;
using SparseGen.Model.Onnx;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: PruneModel <in.onnx> <out.onnx> <sparsity 0..1> <initializer>...");
    return 2;
}

var model = OnnxReader.Read(File.ReadAllBytes(args[0]));
var sparsity = double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
foreach (var name in args.Skip(3))
{
    var tensor = model.Graph!.Initializers.Single(t => t.Name == name);
    var values = tensor.RawData is { } raw
        ? Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw, i * 4)).ToArray()
        : tensor.FloatData.ToArray();
    var cut = (int)Math.Round(values.Length * sparsity);
    var threshold = values.Select(Math.Abs).OrderBy(v => v).ElementAt(Math.Min(cut, values.Length - 1));
    var pruned = values.Select(v => Math.Abs(v) < threshold ? 0f : v).ToArray();
    tensor.RawData = null;
    tensor.FloatData.Clear();
    tensor.FloatData.AddRange(pruned);
    Console.WriteLine($"{name}: {pruned.Count(v => v == 0f)} of {pruned.Length} zero");
}

File.WriteAllBytes(args[1], OnnxWriter.Write(model));
return 0;
