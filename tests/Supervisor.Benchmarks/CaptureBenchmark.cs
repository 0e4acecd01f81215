using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Supervisor.Abstractions;
using Supervisor.Host.Facade;
using Supervisor.Host.Logging;
using Supervisor.Host.Platform;
using Supervisor.Host.Processes.Output;

namespace Supervisor.Benchmarks;

/// <summary>
/// Console mode <c>capture</c>: one child writes a fixed amount, <c>yes</c>-style (8 KiB writes), as fast as it can
/// into a fifo that the real <see cref="ChildIoLoop"/> reads into a <see cref="ChildOutputLog"/>.
/// Reports throughput and this process's CPU time per MiB (user+system, all threads: the I/O thread,
/// GC, JIT), measured from the attach to the last byte logged, which is what
/// <c>capture/reference.sh</c> measures for the reference supervisord with the same writer.
/// The child is started with System.Diagnostics.Process here only; the daemon never uses it.
/// </summary>
internal static class CaptureBenchmark
{
    public static int Run(string[] args)
    {
        var mebibytes = args.Length > 0 && !args[0].StartsWith('-') ? long.Parse(args[0], CultureInfo.InvariantCulture) : 4096;
        var dir = Directory.CreateTempSubdirectory("capture-bench").FullName;
        try
        {
            // A first, unreported round JIT-compiles the hot path (tier-1), as in a daemon that has run a while.
            for (var round = 0; round < 2; round++)
            {
                var result = Measure(
                    dir,
                    round == 0 ? 256L * 1024 * 1024 : mebibytes * 1024 * 1024,
                    report: round == 1,
                    Option(args, "--logfile") ?? Path.Combine(dir, "out.log"),
                    Option(args, "--maxbytes") is { } m ? long.Parse(m, CultureInfo.InvariantCulture) : 50 * 1024 * 1024,
                    Option(args, "--backups") is { } b ? int.Parse(b, CultureInfo.InvariantCulture) : 10,
                    Option(args, "--block") is { } k ? int.Parse(k, CultureInfo.InvariantCulture) : 8192,
                    args.Contains("--strip-ansi"),
                    args.Contains("--debug"));
                if (result != 0)
                {
                    return result;
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int Measure(string dir, long total, bool report, string logFile, long maxBytes, int backups, int block, bool stripAnsi, bool debug)
    {
        var fifo = Path.Combine(dir, "out.fifo");
        File.Delete(fifo);
        Process.Start("mkfifo", [fifo])!.WaitForExit();

        // The writer's open blocks until ours does; ours (blocking) returns once the writer is there,
        // so the loop never sees the EOF of a fifo that has no writer yet.
        // `yes` writes 8 KiB at a time; dd does the same for a fixed amount, without a middleman process.
        var command = $"dd if=/dev/zero bs={block} count={total / block} status=none";
        using var child = Process.Start("/bin/sh", ["-c", $"{command} > '{fifo}'"])!;
        var fd = NativeIo.Open(fifo, NativeIo.ORdOnly | NativeIo.OCloExec, 0);
        if (fd < 0)
        {
            Console.Error.WriteLine("cannot open the fifo");
            return 1;
        }

        using var mainLogFile = new MainLog(Path.Combine(dir, "main.log"), debug ? MainLogLevel.Debug : MainLogLevel.Info, 50 * 1024 * 1024, 1, null, TimeProvider.System);
        var mainLog = new MainLogFacade(mainLogFile);
        using var log = new ChildOutputLog(new ChildOutputOptions("bench", OutputChannel.Stdout, logFile, maxBytes, backups, Syslog: false, stripAnsi), mainLog);
        using var loop = new ChildIoLoop(mainLog);
        var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        var user0 = self.UserProcessorTime;
        var clock = Stopwatch.StartNew();
        var pipes = loop.Attach(null, new SafeFileHandle(fd, ownsHandle: true), null, log, null, "bench");
        while (log.BytesLogged < total && !child.HasExited)
        {
            Thread.Sleep(1);
        }

        using var drained = new ManualResetEventSlim();
        pipes.DrainAndClose(drained.Set);
        drained.Wait();
        var elapsed = clock.Elapsed;
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpu0;
        var user = self.UserProcessorTime - user0;
        child.WaitForExit();

        if (!report)
        {
            return 0;
        }

        var mib = log.BytesLogged / (1024.0 * 1024.0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours: writer `{command}`; log {logFile} maxbytes={maxBytes} backups={backups}; strip_ansi={stripAnsi}; loglevel={(debug ? "debug" : "info")}; splice={log.SplicesToFile}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"captured {mib:0} MiB in {elapsed.TotalSeconds:0.00} s: {mib / elapsed.TotalSeconds:0} MiB/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU {cpu.TotalMilliseconds:0} ms (user {user.TotalMilliseconds:0}, system {(cpu - user).TotalMilliseconds:0}): {cpu.TotalMilliseconds / mib:0.000} ms per MiB"));
        return 0;
    }
}
