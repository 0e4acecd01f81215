using System.Diagnostics;
using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>Output capture under the real daemon: log files, rotation, stdin, a noisy child.</summary>
public sealed class EngineOutputTests
{
    [Fact]
    public async Task StdoutAndStderrReachTheirLogFilesAsRawBytes()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:talker]
            command = /bin/sh -c 'printf "out one\nout two\n"; printf "err \303\251\n" >&2; exec sleep 1000'
            startsecs = 0
            stdout_logfile = {dir}/talker.out
            stderr_logfile = {dir}/talker.err

            [program:merged]
            command = /bin/sh -c 'echo to-out; echo to-err >&2; exec sleep 1000'
            startsecs = 0
            redirect_stderr = true
            stdout_logfile = {dir}/merged.out
            """);
        await SupervisedPrograms.WaitUntilAsync(
            () => File.Exists(daemon.Directory.File("talker.err")) && File.ReadAllBytes(daemon.Directory.File("talker.err")).Length == 7
                && File.Exists(daemon.Directory.File("merged.out")) && File.ReadAllText(daemon.Directory.File("merged.out")).Contains("to-err", StringComparison.Ordinal),
            "the output in the log files");
        Assert.Equal("out one\nout two\n", File.ReadAllText(daemon.Directory.File("talker.out")));
        Assert.Equal(Encoding.UTF8.GetBytes("err é\n"), File.ReadAllBytes(daemon.Directory.File("talker.err")));
        var merged = await daemon.InfoAsync("merged");
        Assert.Equal("", merged["stderr_logfile"]);
        Assert.Equal(daemon.Directory.File("merged.out"), merged["stdout_logfile"]);
    }

    [Fact]
    public async Task RotationLosesNoBytes()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:counter]
            command = seq 1 200000
            startsecs = 0
            autorestart = false
            stdout_logfile = {dir}/counter.log
            stdout_logfile_maxbytes = 64KB
            stdout_logfile_backups = 100
            """);
        await daemon.WaitForStateAsync("counter", "EXITED");
        var expected = string.Concat(Enumerable.Range(1, 200000).Select(i => i + "\n"));
        var pieces = new StringBuilder();
        var backups = Directory.GetFiles(daemon.Directory.Path, "counter.log.*")
            .Where(path => char.IsAsciiDigit(path[^1]))
            .OrderByDescending(path => int.Parse(path[(path.LastIndexOf('.') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        foreach (var backup in backups)
        {
            pieces.Append(File.ReadAllText(backup));
        }

        pieces.Append(File.ReadAllText(daemon.Directory.File("counter.log")));
        Assert.True(backups.Count() > 10, "the log rotated");
        Assert.Equal(expected.Length, pieces.Length);
        Assert.Equal(expected, pieces.ToString());
    }

    [Fact]
    public async Task AChildWritingAsFastAsItCanDoesNotStallTheDaemon()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:firehose]
            command = yes 0123456789abcdefghijklmnopqrstuvwxyz
            startsecs = 0
            stdout_logfile = {dir}/firehose.log
            stdout_logfile_maxbytes = 20MB
            stdout_logfile_backups = 1
            """);
        await daemon.WaitForStateAsync("firehose", "RUNNING");
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 50; i++)
        {
            var clock = Stopwatch.StartNew();
            await daemon.Unix.ValueAsync("supervisor.getState");
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }

        // A generous bound: the point is that calls are served while the child floods its pipe.
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"slowest getState took {slowest}");
        await SupervisedPrograms.WaitUntilAsync(() => File.Exists(daemon.Directory.File("firehose.log")) && new FileInfo(daemon.Directory.File("firehose.log")).Length > 1_000_000, "a megabyte captured");
        await daemon.Unix.ValueAsync("supervisor.stopProcess", "firehose", true);
    }

    [Fact]
    public async Task StdinReachesTheChild()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:echo]
            command = cat
            startsecs = 0
            stdout_logfile = {dir}/echo.log
            """);
        await daemon.WaitForStateAsync("echo", "RUNNING");
        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.sendProcessStdin", "echo", "hello ✓\n"));
        await SupervisedPrograms.WaitUntilAsync(() => File.ReadAllText(daemon.Directory.File("echo.log")) == "hello ✓\n", "the echo");
    }
}
