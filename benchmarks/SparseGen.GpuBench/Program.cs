using System;
using System.Globalization;
using System.IO;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace SparseGen.GpuBench;

/// <summary>
/// Times the generated ILGPU kernels of every committed sample model: batch-1 latency (device buffers,
/// and host to host) and throughput at large batches, after checking the results against the generated
/// CPU code. Writes results.json and results.md to --out.
/// Usage: SparseGen.GpuBench [--out DIR] [--accelerator auto|cuda|cpu] [--batches 1024,16384,65536] [--reps N]
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var options = BenchOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: SparseGen.GpuBench [--out DIR] [--accelerator auto|cuda|cpu] [--batches 1024,16384,65536] [--reps N]");
            return 2;
        }

        using var context = Context.Create(builder => builder.Cuda().CPU());
        var device = AcceleratorChoice.Pick(context, options.Accelerator);
        if (device is null)
        {
            Console.Error.WriteLine($"no {options.Accelerator} accelerator here; devices: {string.Join(", ", context.Devices.Select(d => d.Name))}");
            return 1;
        }

        using var accelerator = device.CreateAccelerator(context);
        Console.WriteLine($"accelerator: {accelerator.AcceleratorType} {accelerator.Name}");
        var models = BenchModel.All();
        if (models.Count == 0)
        {
            Console.Error.WriteLine("no models: the project declares one class per samples/FashionMnist/model/*.onnx");
            return 1;
        }

        var results = models.Select(model => new ModelRunner(model, accelerator, options).Run()).ToList();
        Directory.CreateDirectory(options.Out);
        var report = new Report(accelerator.AcceleratorType + " " + accelerator.Name, options, results);
        File.WriteAllText(Path.Combine(options.Out, "results.json"), report.Json());
        File.WriteAllText(Path.Combine(options.Out, "results.md"), report.Markdown());
        Console.WriteLine(report.Markdown());
        return results.All(r => r.Agrees) ? 0 : 3;
    }
}

/// <summary>Command-line options.</summary>
internal sealed record BenchOptions(string Out, string Accelerator, int[] Batches, int Repetitions)
{
    public static BenchOptions? Parse(string[] args)
    {
        var result = new BenchOptions("gpubench-results", "auto", new[] { 1024, 16384, 65536 }, 20);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--out" when value is not null:
                    result = result with { Out = value };
                    break;
                case "--accelerator" when value is "auto" or "cuda" or "cpu":
                    result = result with { Accelerator = value };
                    break;
                case "--batches" when value is not null:
                    result = result with { Batches = value.Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray() };
                    break;
                case "--reps" when value is not null:
                    result = result with { Repetitions = Math.Max(1, int.Parse(value, CultureInfo.InvariantCulture)) };
                    break;
                default:
                    return null;
            }

            i++;
        }

        return result;
    }
}

/// <summary>The CUDA accelerator when there is one (or when asked for), else the CPU accelerator.</summary>
internal static class AcceleratorChoice
{
    public static Device? Pick(Context context, string wanted)
    {
        var cuda = context.Devices.FirstOrDefault(d => d.AcceleratorType == AcceleratorType.Cuda);
        var cpu = context.Devices.FirstOrDefault(d => d.AcceleratorType == AcceleratorType.CPU);
        return wanted switch
        {
            "cuda" => cuda,
            "cpu" => cpu,
            _ => cuda ?? cpu,
        };
    }
}
