using BenchmarkDotNet.Running;
using Supervisor.Benchmarks;

// "capture" measures child output throughput and CPU per MiB (a console mode: BenchmarkDotNet times, it does not count CPU).
if (args is ["capture", .. var rest])
{
    return CaptureBenchmark.Run(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
