using System;
using System.Linq;
using BenchmarkDotNet.Running;
using SparseGen.Benchmarks;
using SparseGen.Benchmarks.BuildCost;
using SparseGen.Benchmarks.Reporting;

// dotnet run -c Release --project benchmarks/SparseGen.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project benchmarks/SparseGen.Benchmarks -- make-sweep | sweep-plot [report.csv] | build-cost | layers [model …] | check | fingerprint
switch (args.FirstOrDefault())
{
    case "make-sweep":
        return SweepModelWriter.Run();
    case "sweep-plot":
        return SweepPlot.Run(args.Skip(1).ToArray());
    case "check":
        return AgreementCommand.Run(args.Skip(1).ToArray());
    case "fingerprint":
        return FingerprintCommand.Run(args.Skip(1).ToArray());
    case "build-cost":
        return BuildCostCommand.Run(args.Skip(1).ToArray());
    case "layers":
        return LayerTimesCommand.Run(args.Skip(1).ToArray());
    default:
        if (!ModelCatalog.HasTrainedCnn90)
        {
            Console.WriteLine("Note: no trained 90 % CNN (samples/FashionMnist/model/*90*.onnx) was there at build time; "
                + "the latency and throughput benchmarks skip it (the sweep's CnnSparsity90 is a magnitude-pruned stand-in).");
        }

        var summaries = BenchmarkSwitcher.FromTypes(new[]
        {
            typeof(FmaPeakBenchmarks), typeof(LatencyBenchmarks), typeof(IntraOpBenchmarks), typeof(ThroughputBenchmarks), typeof(SweepBenchmarks),
        }).Run(BenchmarkConfig.InProcess(args), BenchmarkConfig.Create());
        EfficiencyReport.Write(summaries.ToArray());
        return 0;
}
