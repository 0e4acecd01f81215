using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Supervisor.Abstractions;
using Supervisor.Host.Logging;
using Supervisor.Host.Platform;
using Supervisor.Host.Processes.Output;

namespace Supervisor.Benchmarks;

/// <summary>
/// Console mode <c>capture</c>: one child writing as fast as it can (<c>yes</c> by default) into a fifo
/// that the real <see cref="ChildIoLoop"/> reads into a rotating <see cref="ChildOutputLog"/>. Reports
/// capture throughput and this process's CPU time per MiB (user+system, all threads: the I/O thread,
/// GC, JIT), which is what the reference's figure (0.83 ms/MiB) measures for supervisord.
/// The child is started with System.Diagnostics.Process here only; the daemon never uses it.
/// </summary>
internal static class CaptureBenchmark
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var command = args.Length > 1 ? args[1] : "yes";
        var stripAnsi = args.Contains("--strip-ansi");
        var debug = args.Contains("--debug");
        var dir = Directory.CreateTempSubdirectory("capture-bench").FullName;
        try
        {
            return Measure(dir, seconds, command, stripAnsi, debug);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Measure(string dir, double seconds, string command, bool stripAnsi, bool debug)
    {
        var fifo = Path.Combine(dir, "out.fifo");
        Process.Start("mkfifo", [fifo])!.WaitForExit();

        // The writer's open blocks until ours does; ours (blocking) returns once the writer is there,
        // so the loop never sees the EOF of a fifo that has no writer yet.
        using var child = Process.Start("/bin/sh", ["-c", $"exec {command} > '{fifo}'"])!;
        var fd = NativeIo.Open(fifo, NativeIo.ORdOnly | NativeIo.OCloExec, 0);
        if (fd < 0)
        {
            Console.Error.WriteLine("cannot open the fifo");
            return 1;
        }

        using var mainLog = new MainLog(Path.Combine(dir, "main.log"), debug ? LogLevel.Debug : LogLevel.Info, 50 * 1024 * 1024, 1, null, TimeProvider.System);
        long captured = 0;
        long chunks = 0;
        using var log = new ChildOutputLog(
            new ChildOutputOptions("bench", OutputChannel.Stdout, Path.Combine(dir, "out.log"), 50 * 1024 * 1024, 2, Syslog: false, stripAnsi, chunk =>
            {
                captured += chunk.Length;
                chunks++;
            }),
            mainLog);
        using var loop = new ChildIoLoop(mainLog);
        var pipes = loop.Attach(null, new SafeFileHandle(fd, ownsHandle: true), null, log, null, "bench");

        // Warm-up: tiering, page cache, the first rotations.
        Thread.Sleep(1000);
        var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpu0 = self.TotalProcessorTime;
        var user0 = self.UserProcessorTime;
        var bytes0 = Volatile.Read(ref captured);
        var chunks0 = Volatile.Read(ref chunks);
        var clock = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        var bytes1 = Volatile.Read(ref captured);
        var chunks1 = Volatile.Read(ref chunks);
        var elapsed = clock.Elapsed;
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpu0;
        var user = self.UserProcessorTime - user0;

        child.Kill();
        child.WaitForExit();
        using var drained = new ManualResetEventSlim();
        pipes.DrainAndClose(drained.Set);
        drained.Wait();

        var mib = (bytes1 - bytes0) / (1024.0 * 1024.0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"writer: {command}; strip_ansi={stripAnsi}; loglevel={(debug ? "debug" : "info")}; {elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"captured {mib:0} MiB: {mib / elapsed.TotalSeconds:0} MiB/s, {chunks1 - chunks0} chunks of {(bytes1 - bytes0) / Math.Max(1, chunks1 - chunks0)} bytes on average"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU {cpu.TotalMilliseconds:0} ms (user {user.TotalMilliseconds:0}, system {(cpu - user).TotalMilliseconds:0}): {cpu.TotalMilliseconds / mib:0.000} ms per MiB"));
        return 0;
    }
}
