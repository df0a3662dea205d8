using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ProfileGrid.Benchmarks.SampleCustomers).Assembly).Run(args);
