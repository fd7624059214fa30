using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(TranscribeStack.Benchmarks.TranscriptToMetadata).Assembly).Run(args);
