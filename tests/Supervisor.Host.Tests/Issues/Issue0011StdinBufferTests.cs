using System.Globalization;
using System.Text.RegularExpressions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Issues;

/// <summary>
/// Issue 11, item 3: stdin sent to a child that does not read it is held up to a limit (16 MiB), not
/// without end. A write that would pass it is a FAILED fault saying how much is pending, none of it is
/// written, the daemon keeps serving, and writes work again once the child reads or is restarted.
/// </summary>
public sealed partial class Issue0011StdinBufferTests
{
    private const int Limit = 16 * 1024 * 1024;
    private const int Chunk = 1024 * 1024;

    // Far more than the limit: the old daemon accepted every one of these.
    private const int MaxCalls = 40;

    [Fact]
    public async Task StdinToAChildThatNeverReadsEndsInAFaultAndWorksAgainAfterARestart()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:sink]
            command = sleep 1000
            startsecs = 0
            """);
        await daemon.WaitForStateAsync("sink", "RUNNING");

        var (accepted, fault) = await FloodAsync(daemon, "sink", _ => 'x');
        Assert.True(accepted >= 15 && accepted <= 16, $"{accepted} writes of 1 MiB accepted before the fault");
        Assert.Equal(30, fault.Code);
        var pending = PendingIn(fault.String, "sink");
        Assert.True(pending + Chunk > Limit && pending <= Limit, $"pending {pending}");

        // The daemon still serves, the same client included, and a write that fits is still accepted.
        Assert.Equal("RUNNING", (string)((Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getState"))!)["statename"]!);
        Assert.Equal(true, await daemon.Tcp.ValueAsync("supervisor.sendProcessStdin", "sink", "small\n"));

        // A new child has an empty buffer.
        await daemon.Unix.ValueAsync("supervisor.stopProcess", "sink");
        Assert.Equal(70, (await daemon.Unix.FaultAsync("supervisor.sendProcessStdin", "sink", "x")).Code);
        await daemon.Unix.ValueAsync("supervisor.startProcess", "sink");
        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.sendProcessStdin", "sink", new string('y', Chunk)));
        await daemon.Unix.ValueAsync("supervisor.stopProcess", "sink");
    }

    [Fact]
    public async Task ARefusedWriteSendsNothingAndTheChildGetsEveryAcceptedByteInOrder()
    {
        // The child reads nothing until told to, then copies its stdin to its log.
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:gated]
            command = /bin/sh -c 'while [ ! -e {dir}/go ]; do sleep 0.05; done; exec cat'
            startsecs = 0
            stdout_logfile = {dir}/gated.log
            stdout_logfile_maxbytes = 0
            """);
        await daemon.WaitForStateAsync("gated", "RUNNING");

        var (accepted, fault) = await FloodAsync(daemon, "gated", i => (char)('a' + i));
        Assert.Equal(30, fault.Code);

        File.WriteAllText(daemon.Directory.File("go"), "");
        var log = daemon.Directory.File("gated.log");
        var expected = (long)accepted * Chunk;
        await SupervisedPrograms.WaitUntilAsync(() => File.Exists(log) && new FileInfo(log).Length >= expected, "the child to copy what was accepted", 60);

        // Read, the buffer takes writes again. Its bytes follow the accepted ones directly: had any of
        // the refused call been written, it would sit in between.
        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.sendProcessStdin", "gated", new string('z', Chunk)));
        await SupervisedPrograms.WaitUntilAsync(() => new FileInfo(log).Length >= expected + Chunk, "the write after the drain", 60);
        var text = File.ReadAllText(log);
        Assert.Equal(expected + Chunk, text.Length);
        for (var i = 0; i <= accepted; i++)
        {
            var letter = i < accepted ? (char)('a' + i) : 'z';
            Assert.True(text.AsSpan(i * Chunk, Chunk).Count(letter) == Chunk, $"chunk {i} is not {Chunk} '{letter}'s");
        }

        await daemon.Unix.ValueAsync("supervisor.stopProcess", "gated");
    }

    [Fact]
    public async Task APluginWritingThroughTheProcessTableMeetsTheSameLimit()
    {
        await using var daemon = await SupervisedPrograms.StartAsync(
            """
            [supervisord]
            plugins = {dir}/plugins

            [rpcinterface:twiddler]
            supervisor.rpcinterface_factory = TestPlugins.Twiddler.Factory:Make

            [program:sink]
            command = sleep 1000
            startsecs = 0
            """,
            dir => TestPlugins.Install(dir.File("plugins"), "Twiddler"));
        await daemon.WaitForStateAsync("sink", "RUNNING");

        // A plugin is not bound by the request size: one write beyond the limit is refused whole.
        var tooLarge = await daemon.Unix.FaultAsync("twiddler.writeStdin", "sink", "sink", Limit + 1);
        Assert.Equal(30, tooLarge.Code);
        Assert.Equal(0, PendingIn(tooLarge.String, "sink"));
        Assert.Contains($"{Limit + 1} more would exceed the limit of {Limit} bytes", tooLarge.String, StringComparison.Ordinal);

        // What fits is accepted; then the same fault as sendProcessStdin's.
        Assert.Equal(true, await daemon.Unix.ValueAsync("twiddler.writeStdin", "sink", "sink", Limit));
        var full = await daemon.Unix.FaultAsync("twiddler.writeStdin", "sink", "sink", Chunk);
        Assert.Equal(30, full.Code);
        Assert.True(PendingIn(full.String, "sink") > Limit - Chunk);
        var viaRpc = await daemon.Unix.FaultAsync("supervisor.sendProcessStdin", "sink", new string('x', Chunk));
        Assert.Equal(30, viaRpc.Code);
        await daemon.Unix.ValueAsync("supervisor.stopProcess", "sink");
    }

    /// <summary>Sends 1 MiB strings (chunk i filled with <paramref name="fill"/>(i)) until the first fault.</summary>
    private static async Task<(int Accepted, Supervisor.Host.XmlRpc.XmlRpcFault Fault)> FloodAsync(RunningDaemon daemon, string name, Func<int, char> fill)
    {
        for (var i = 0; i < MaxCalls; i++)
        {
            var response = await daemon.Unix.CallAsync("supervisor.sendProcessStdin", name, new string(fill(i), Chunk));
            if (response.IsFault)
            {
                return (i, response.Fault!);
            }

            Assert.Equal(true, response.Value);
        }

        throw new Xunit.Sdk.XunitException($"{MaxCalls} writes of 1 MiB to a child that does not read were all accepted");
    }

    /// <summary>The pending byte count of a full-buffer fault, checking the rest of its text.</summary>
    private static int PendingIn(string faultString, string name)
    {
        var match = FullText().Match(faultString);
        Assert.True(match.Success, faultString);
        Assert.Equal(name, match.Groups[1].Value);
        Assert.Equal(Limit.ToString(CultureInfo.InvariantCulture), match.Groups[4].Value);
        return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^FAILED: stdin buffer of (\S+) is full: (\d+) bytes pending, (\d+) more would exceed the limit of (\d+) bytes; nothing was written \(retry when the child has read its input\)$")]
    private static partial Regex FullText();
}
