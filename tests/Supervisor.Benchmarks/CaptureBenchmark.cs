using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
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
/// <para><c>--floor</c> then runs <c>dd</c> with the same block size and amount straight into a file in the
/// log's directory and reports its CPU time per MiB (from <c>getrusage(RUSAGE_CHILDREN)</c>): what the
/// kernel itself costs to put those bytes into that file system, and the ratio of ours to it.</para>
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
            var logFile = Option(args, "--logfile") ?? Path.Combine(dir, "out.log");
            var block = Option(args, "--block") is { } k ? int.Parse(k, CultureInfo.InvariantCulture) : 8192;
            double oursPerMib = 0;
            for (var round = 0; round < 2; round++)
            {
                var result = Measure(
                    dir,
                    round == 0 ? 256L * 1024 * 1024 : mebibytes * 1024 * 1024,
                    report: round == 1,
                    logFile,
                    Option(args, "--maxbytes") is { } m ? long.Parse(m, CultureInfo.InvariantCulture) : 50 * 1024 * 1024,
                    Option(args, "--backups") is { } b ? int.Parse(b, CultureInfo.InvariantCulture) : 10,
                    block,
                    args.Contains("--strip-ansi"),
                    args.Contains("--debug"),
                    out oursPerMib);
                if (result != 0)
                {
                    return result;
                }
            }

            if (args.Contains("--floor"))
            {
                var floorPerMib = Floor(logFile, mebibytes * 1024 * 1024, block);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours / floor: {oursPerMib / floorPerMib:0.00}"));
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

    /// <summary>
    /// dd writing the same bytes in the same blocks into a fresh file beside the log (or into the log itself when
    /// it is a device such as /dev/null); its CPU per MiB, printed.
    /// </summary>
    private static double Floor(string logFile, long total, int block)
    {
        var target = Path.GetDirectoryName(logFile) == "/dev" ? logFile : Path.Combine(Path.GetDirectoryName(logFile)!, "floor.dd");
        // The file is removed by the same shell, so the floor includes freeing its pages, as the log's rotation does.
        var command = $"dd if=/dev/zero of='{target}' bs={block} count={total / block} status=none" + (target != logFile ? $"; rm -f '{target}'" : "");
        var before = ChildrenCpu();
        var clock = Stopwatch.StartNew();
        using (var dd = Process.Start("/bin/sh", ["-c", command])!)
        {
            dd.WaitForExit();
        }

        var elapsed = clock.Elapsed;
        var (user, system) = ChildrenCpu();
        user -= before.User;
        system -= before.System;

        var mib = total / (1024.0 * 1024.0);
        var cpu = user + system;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"floor: `{command}`: {mib:0} MiB in {elapsed.TotalSeconds:0.00} s: {mib / elapsed.TotalSeconds:0} MiB/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"floor CPU {cpu:0} ms (user {user:0}, system {system:0}): {cpu / mib:0.000} ms per MiB"));
        return cpu / mib;
    }

    /// <summary>User+system milliseconds of this process's thread named child-io, or 0 before it exists (/proc/self/task/*/stat, in clock ticks of 10 ms).</summary>
    private static double IoThreadCpu()
    {
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            var close = stat.LastIndexOf(')');
            if (stat.AsSpan(stat.IndexOf('(') + 1, close - stat.IndexOf('(') - 1) is not "child-io")
            {
                continue;
            }

            var fields = stat[(close + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
        }

        return 0;
    }

    /// <summary>User and system milliseconds of every child waited for so far (getrusage(RUSAGE_CHILDREN)).</summary>
    private static (double User, double System) ChildrenCpu()
    {
        // struct rusage starts with two struct timevals (seconds, microseconds: two longs each); 144 bytes on 64-bit Linux.
        var usage = new long[18];
        if (GetRusage(-1, usage) != 0)
        {
            throw new IOException("getrusage failed");
        }

        return ((usage[0] * 1000.0) + (usage[1] / 1000.0), (usage[2] * 1000.0) + (usage[3] / 1000.0));
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, [Out] long[] usage);

    private static int Measure(string dir, long total, bool report, string logFile, long maxBytes, int backups, int block, bool stripAnsi, bool debug, out double cpuPerMib)
    {
        cpuPerMib = 0;
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
        var ioThread = IoThreadCpu();
        var pipes = loop.Attach(null, new SafeFileHandle(fd, ownsHandle: true), null, log, null, "bench");

        // Waits without polling (a poll loop here cost the process 0.1-0.2 ms per MiB): once the writer
        // has exited, what is left in the fifo is drained.
        child.WaitForExit();
        using var drained = new ManualResetEventSlim();
        pipes.DrainAndClose(drained.Set);
        drained.Wait();
        var elapsed = clock.Elapsed;
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpu0;
        var user = self.UserProcessorTime - user0;
        ioThread = IoThreadCpu() - ioThread;

        if (!report)
        {
            return 0;
        }

        var mib = log.BytesLogged / (1024.0 * 1024.0);
        cpuPerMib = cpu.TotalMilliseconds / mib;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours: writer `{command}`; log {logFile} maxbytes={maxBytes} backups={backups}; strip_ansi={stripAnsi}; loglevel={(debug ? "debug" : "info")}; splice={log.SplicesToFile}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"captured {mib:0} MiB in {elapsed.TotalSeconds:0.00} s: {mib / elapsed.TotalSeconds:0} MiB/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU {cpu.TotalMilliseconds:0} ms (user {user.TotalMilliseconds:0}, system {(cpu - user).TotalMilliseconds:0}): {cpu.TotalMilliseconds / mib:0.000} ms per MiB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"of which the child-io thread {ioThread:0} ms: {ioThread / mib:0.000} ms per MiB"));
        return 0;
    }
}
