using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SparseGen.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(SparseGen.Benchmarks.LatencyBenchmarks).Assembly).Run(args);
