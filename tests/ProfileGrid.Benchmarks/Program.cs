using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ProfileGrid.Benchmarks.JournalWriteBenchmarks).Assembly).Run(args);
