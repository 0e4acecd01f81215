using BenchmarkDotNet.Running;
using Supervisor.Benchmarks;

// "capture" measures child output throughput and CPU per MiB (a console mode: BenchmarkDotNet times, it does not count CPU).
if (args is ["capture", .. var rest])
{
    return CaptureBenchmark.Run(rest);
}

// "kestrel-floor" serves fixed bytes from a bare Kestrel: the floor for the daemon's HTTP round trip (wrk against both).
if (args is ["kestrel-floor", .. var floorArgs])
{
    return KestrelFloor.Run(floorArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
