using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Forcelink.Benchmarks.JwtAssertionBenchmarks).Assembly).Run(args);
