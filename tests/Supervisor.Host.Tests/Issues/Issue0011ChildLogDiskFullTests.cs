using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Issues;

/// <summary>
/// Issue 11, item 8: a child's log on a filesystem that fills up (a real 1 MiB tmpfs). The main log
/// says so once and again when it is over; what could not be written is held and written, whole and
/// in order, once there is room; past the hold's limit whole lines are dropped and counted; rotation
/// and a child that exits while its output is held lose nothing; the child is never blocked.
/// </summary>
public sealed partial class Issue0011ChildLogDiskFullTests
{
    private const int HoldLimit = 4 * 1024 * 1024;

    /// <summary>Lines of varying length, so pipe chunks and the failing write cut them anywhere.</summary>
    private static string Lines(string tag, int count)
    {
        var text = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{tag} {i:D6} ").Append('.', i % 37).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A program that, once <c>{dir}/go-N</c> exists, copies <c>{dir}/out-N</c> to stdout and touches <c>{dir}/done-N</c>, for N = 1, 2, ...</summary>
    private static string WriterScript(string dir, int rounds, bool exitAfter = false) => $$"""
        #!/bin/sh
        for n in $(seq 1 {{rounds}}); do
          while [ ! -e {{dir}}/go-$n ]; do sleep 0.02; done
          cat {{dir}}/out-$n
          touch {{dir}}/done-$n
        done
        {{(exitAfter ? "exit 0" : "exec sleep 1000")}}
        """;

    private static string Config(string script, string log, string extra = "") => $"""
        [program:writer]
        command = /bin/sh {script}
        startsecs = 0
        autorestart = false
        stdout_logfile = {log}
        stdout_logfile_maxbytes = 0
        {extra}
        """;

    /// <summary>Lets the writer copy <paramref name="text"/> out as round <paramref name="round"/> and waits until it has (its pipe was drained: the child was not blocked).</summary>
    private static async Task WriteRoundAsync(RunningDaemon daemon, int round, string text)
    {
        File.WriteAllText(daemon.Directory.File($"out-{round}"), text);
        File.WriteAllText(daemon.Directory.File($"go-{round}"), "");
        await SupervisedPrograms.WaitUntilAsync(() => File.Exists(daemon.Directory.File($"done-{round}")), $"the writer to finish round {round} while its log could not be written", 60);
    }

    private static async Task<string> WaitForLogAsync(string path, long length)
    {
        await SupervisedPrograms.WaitUntilAsync(() => File.Exists(path) && new FileInfo(path).Length >= length, $"{path} to reach {length} bytes", 30);
        return File.ReadAllText(path);
    }

    // The splice path (output moved pipe → file in the kernel) and the read path (events enabled) hold alike.
    [SmallFilesystemTheory]
    [InlineData("")]
    [InlineData("stdout_events_enabled = true")]
    public async Task OutputWrittenWhileTheDiskIsFullArrivesWholeAndInOrderOnceThereIsRoom(string extra)
    {
        using var small = new SmallFilesystem();
        var log = small.File("writer.log");
        await using var daemon = await SupervisedPrograms.StartAsync(
            Config("{dir}/writer.sh", log, extra),
            dir => dir.WriteExecutable("writer.sh", WriterScript(dir.Path, 2)));
        await daemon.WaitForStateAsync("writer", "RUNNING");

        // One page left: the first write stops in the middle of a line.
        small.Fill(leaveBytes: 4096);
        var first = Lines("before", 4000);
        await WriteRoundAsync(daemon, 1, first);
        await SupervisedPrograms.WaitUntilAsync(() => Leveled(daemon, $"log file {log} of writer (stdout): cannot write").Count == 1, "the main log to report the failure");
        Assert.Equal(
            [$"ERRO log file {log} of writer (stdout): cannot write: No space left on device (errno 28); holding its output (up to 4 MiB) until it can be written"],
            Leveled(daemon, $"log file {log}"));
        var before = new FileInfo(log).Length;
        Assert.True(before < first.Length, $"{before} of {first.Length} bytes written to a full disk");

        small.Free();
        Assert.Equal(first, await WaitForLogAsync(log, first.Length));
        await SupervisedPrograms.WaitUntilAsync(() => Leveled(daemon, "writable again").Count == 1, "the main log to report the recovery");
        var recovery = Leveled(daemon, "writable again")[0];
        Assert.StartsWith($"INFO log file {log} of writer (stdout): writable again, ", recovery, StringComparison.Ordinal);
        var held = long.Parse(Recovery().Match(recovery).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(held, 1, first.Length - before);
        Assert.DoesNotContain("dropped", recovery, StringComparison.Ordinal);

        // Back to normal: later output follows directly.
        var second = Lines("after", 10);
        await WriteRoundAsync(daemon, 2, second);
        Assert.Equal(first + second, await WaitForLogAsync(log, first.Length + second.Length));
        Assert.Single(Leveled(daemon, "cannot write"));
    }

    [SmallFilesystemFact]
    public async Task PastTheHoldLimitWholeLinesAreDroppedAndCounted()
    {
        // Room for the whole hold once the filler is gone.
        using var small = new SmallFilesystem("8m");
        var log = small.File("writer.log");
        await using var daemon = await SupervisedPrograms.StartAsync(
            Config("{dir}/writer.sh", log),
            dir => dir.WriteExecutable("writer.sh", WriterScript(dir.Path, 2)));
        await daemon.WaitForStateAsync("writer", "RUNNING");

        small.Fill();
        var flood = Lines("flood", 200_000);
        Assert.True(flood.Length > HoldLimit + (1024 * 1024));
        await WriteRoundAsync(daemon, 1, flood);
        await SupervisedPrograms.WaitUntilAsync(() => Leveled(daemon, "the most a log holds").Count == 1, "the main log to report dropping");
        Assert.Equal(
            $"ERRO log file {log} of writer (stdout): 4 MiB of output held, the most a log holds; dropping newer output (whole lines) until the file can be written",
            Leveled(daemon, "the most a log holds")[0]);

        small.Free();
        await SupervisedPrograms.WaitUntilAsync(() => Leveled(daemon, "writable again").Count == 1, "the main log to report the recovery");
        var recovered = Recovery().Match(Leveled(daemon, "writable again")[0]);
        Assert.True(recovered.Success, Leveled(daemon, "writable again")[0]);
        var dropped = long.Parse(recovered.Groups[2].Value, CultureInfo.InvariantCulture);

        // What the file has is the flood's first lines, whole, and everything else was counted as dropped.
        var text = File.ReadAllText(log);
        Assert.True(text.Length >= HoldLimit - 4096 && text.Length <= HoldLimit + 8192, $"{text.Length} bytes in the log");
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.StartsWith(text, flood, StringComparison.Ordinal);
        Assert.Equal(flood.Length, text.Length + dropped);

        // Later output starts on a line of its own.
        var after = Lines("after", 3);
        await WriteRoundAsync(daemon, 2, after);
        Assert.Equal(text + after, await WaitForLogAsync(log, text.Length + after.Length));
    }

    [SmallFilesystemFact]
    public async Task HeldOutputIsRotatedAsItIsWritten()
    {
        using var small = new SmallFilesystem();
        var log = small.File("writer.log");
        const int maxBytes = 100 * 1024;
        await using var daemon = await SupervisedPrograms.StartAsync(
            Config("{dir}/writer.sh", log).Replace("stdout_logfile_maxbytes = 0", $"stdout_logfile_maxbytes = {maxBytes}\nstdout_logfile_backups = 10", StringComparison.Ordinal),
            dir => dir.WriteExecutable("writer.sh", WriterScript(dir.Path, 1)));
        await daemon.WaitForStateAsync("writer", "RUNNING");

        small.Fill(leaveBytes: 4096);
        var output = Lines("rotated", 12_000);
        Assert.True(output.Length > 3 * maxBytes);
        await WriteRoundAsync(daemon, 1, output);
        await SupervisedPrograms.WaitUntilAsync(() => Leveled(daemon, "cannot write").Count == 1, "the main log to report the failure");

        small.Free();
        await SupervisedPrograms.WaitUntilAsync(() => Leveled(daemon, "writable again").Count == 1, "the main log to report the recovery");

        // The recovery is reported once the held output is written; the rest of the round may still be in the
        // pipe (a fast writer's pipe holds up to 1 MiB), and is written and rotated after it.
        await SupervisedPrograms.WaitUntilAsync(() => LogAndBackupsLength(log) == output.Length, "the whole round in the log and its backups");
        var joined = new StringBuilder();
        var backups = Enumerable.Range(1, 10).Where(i => File.Exists($"{log}.{i}")).ToList();
        Assert.InRange(backups.Count, 2, 9);
        foreach (var i in Enumerable.Reverse(backups))
        {
            var part = File.ReadAllText($"{log}.{i}");

            // Rotated after the write that reached maxbytes: at most one piece (128 KiB) beyond it.
            Assert.InRange(part.Length, maxBytes, maxBytes + (128 * 1024));
            joined.Append(part);
        }

        joined.Append(File.ReadAllText(log));
        Assert.Equal(output, joined.ToString());
    }

    [SmallFilesystemFact]
    public async Task AChildThatExitsWhileItsOutputIsHeldLosesNothingAndTheNextRunFollowsIt()
    {
        using var small = new SmallFilesystem();
        var log = small.File("writer.log");
        await using var daemon = await SupervisedPrograms.StartAsync(
            Config("{dir}/writer.sh", log).Replace("startsecs = 0", "startsecs = 0\nautostart = false", StringComparison.Ordinal),
            dir => dir.WriteExecutable("writer.sh", WriterScript(dir.Path, 1, exitAfter: true)));
        small.Fill(leaveBytes: 4096);

        // Two runs while the disk is full: the second run's log takes over what the first one holds.
        var first = Lines("first run", 3000);
        await daemon.Unix.ValueAsync("supervisor.startProcess", "writer");
        await WriteRoundAsync(daemon, 1, first);
        await daemon.WaitForStateAsync("writer", "EXITED");
        File.Delete(daemon.Directory.File("go-1"));
        File.Delete(daemon.Directory.File("done-1"));
        var second = Lines("second run", 3000);
        await daemon.Unix.ValueAsync("supervisor.startProcess", "writer");
        await WriteRoundAsync(daemon, 1, second);
        await daemon.WaitForStateAsync("writer", "EXITED");
        Assert.True(new FileInfo(log).Length < first.Length);

        small.Free();
        Assert.Equal(first + second, await WaitForLogAsync(log, first.Length + second.Length));
        await SupervisedPrograms.WaitUntilAsync(() => Leveled(daemon, "writable again").Count == 1, "the main log to report the recovery");
        Assert.Single(Leveled(daemon, "cannot write"));
    }

    [SmallFilesystemFact]
    public async Task WithTheMainLogOnTheFullDiskTooTheDaemonKeepsServingAndLosesNoChildOutput()
    {
        using var small = new SmallFilesystem();
        var log = small.File("writer.log");
        // At debug level every chunk is copied into the main log, so it needs room at once (a line or
        // two may still fit in its last page).
        var config = RunningDaemon.StandardSections
            .Replace("logfile = {dir}/supervisord.log", $"logfile = {small.File("supervisord.log")}\nloglevel = debug", StringComparison.Ordinal)
            + Config("{dir}/writer.sh", log);
        await using var daemon = await RunningDaemon.StartAsync(config, dir => dir.WriteExecutable("writer.sh", WriterScript(dir.Path, 1)));
        await daemon.WaitForStateAsync("writer", "RUNNING");

        small.Fill();
        var output = Lines("line", 4000);
        await WriteRoundAsync(daemon, 1, output);

        // The main log cannot take the report either: the daemon says it on stderr and goes on.
        await SupervisedPrograms.WaitUntilAsync(() => daemon.Process.Output.Contains("cannot write to " + small.File("supervisord.log"), StringComparison.Ordinal), "the report on stderr");
        Assert.Equal("RUNNING", await daemon.StateAsync("writer"));
        Assert.False(daemon.Process.HasExited);

        small.Free();
        Assert.Equal(output, await WaitForLogAsync(log, output.Length));
        await SupervisedPrograms.WaitUntilAsync(() => File.ReadAllText(small.File("supervisord.log")).Contains("writable again", StringComparison.Ordinal), "the recovery in the main log");
    }

    /// <summary>Main-log lines containing <paramref name="fragment"/>, with their level but not their timestamp.</summary>
    private static List<string> Leveled(RunningDaemon daemon, string fragment) =>
        [.. daemon.MainLog().Split('\n').Where(l => l.Contains(fragment, StringComparison.Ordinal)).Select(l => l[24..])];

    [GeneratedRegex(@"writable again, (\d+) held bytes written(?:; (\d+) bytes of output were dropped while the hold was full)?$")]
    private static partial Regex Recovery();

    private static long LogAndBackupsLength(string log) =>
        new[] { log }.Concat(Enumerable.Range(1, 10).Select(i => $"{log}.{i}"))
            .Select(path => new FileInfo(path))
            .Sum(file => file.Exists ? file.Length : 0);
}
