using System.Text;
using Supervisor.Ctl.Tests.Support;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Ctl.Tests;

/// <summary>
/// The same command lines run with the reference 4.2.5 <c>supervisorctl</c> and with ours (the
/// NativeAOT binary) against the same daemon (ours): stdout, stderr and exit status must be equal
/// once <see cref="Transcript.Normalize"/> has taken out pids, uptimes, dates, the program's own path
/// and the reference's Python source locations. Each case is a sequence of lines that leaves the
/// daemon as it found it, run whole by the reference and then whole by ours.
/// </summary>
public sealed class DifferentialTests(CtlDaemon daemon) : IClassFixture<CtlDaemon>
{
    /// <summary>Lines that change nothing (or fail before they could): success and error paths of every command.</summary>
    public static TheoryData<string> Lines => new()
    {
        // status: names, groups, all, unknown names and groups, exit 3 for stopped processes, 4 for unknown names.
        "status", "status all", "status sleeper", "status grp:*", "status grp:", "status grp:a", "status sleeper talker",
        "status nosuch", "status nosuch:*", "status grp:nosuch", "status sleeper nosuch manual", "status manual", "status fatal",
        // pid
        "pid nosuch", "pid manual", "pid sleeper nosuch",
        // start / stop / signal / restart / clear: argument errors and names that do not change anything
        "start", "start nosuch", "start nosuch:*", "start grp:nosuch", "start sleeper", "start sleeper talker", "start grp:*", "start nofile",
        "stop", "stop nosuch", "stop nosuch:*", "stop manual", "stop manual nofile",
        "signal", "signal HUP", "signal HUP nosuch", "signal HUP nosuch:*", "signal NOSUCHSIG sleeper", "signal HUP manual", "signal HUP grp:nosuch",
        "restart", "clear", "clear nosuch", "clear nosuch:*",
        // logs
        "tail talker", "tail talker stderr", "tail talker STDERR", "tail -4 talker", "tail -4 talker stderr", "tail -0 talker",
        "tail", "tail -f", "tail nosuch", "tail nosuch stderr", "tail manual", "tail a b c d", "tail talker foo", "tail -x talker", "tail talker stdout extra",
        "maintail x", "maintail -x", "maintail -1 -2",
        // configuration
        "avail", "avail x", "reread", "reread x", "update nosuch", "add nosuch", "add sleeper", "remove nosuch", "remove sleeper", "add", "remove",
        // daemon and misc
        "version", "version x", "shutdown x", "reload x", "open ftp://example", "open unix:///nonexistent.sock",
        "help help", "help status", "help start", "help stop", "help restart", "help signal", "help pid", "help clear", "help tail",
        "help maintail", "help avail", "help reread", "help add", "help remove", "help update", "help shutdown", "help reload",
        "help version", "help open", "help fg", "help quit", "help exit", "help EOF", "help nosuch", "? tail",
        "quit", "exit", "EOF", "nosuch", "nosuch arg", "!ls", "status:x", "fg", "fg a b", "fg nosuch", "fg manual",
        // a daemon that is not there: a missing socket and a refused port
        "-s unix:///nonexistent.sock status", "-s unix:///nonexistent.sock start sleeper", "-s unix:///nonexistent.sock version",
        "-s unix:///nonexistent.sock avail", "-s unix:///nonexistent.sock shutdown", "-s unix:///nonexistent.sock reload",
        "-s unix:///nonexistent.sock tail talker", "-s unix:///nonexistent.sock pid", "-s unix:///nonexistent.sock update",
        "-s http://127.0.0.1:{closed} status", "-s http://127.0.0.1:{closed} avail", "-s http://127.0.0.1:{closed} shutdown",
        "-s http://127.0.0.1:{closed} maintail", "-s ftp://example status",
        // credentials: none, wrong, right (the TCP port wants user/secret)
        "-s {tcp} status", "-s {tcp} avail", "-s {tcp} -u user -p wrong version", "-s {tcp} -u user -p secret status sleeper",
        "-s {tcp} -u user -p secret version", "-s {tcp} -u user status",
        // options and the config file
        "-x status", "--nosuch status", "--h status", "-c", "-s", "-s notaurl status", "-c {cfg} status sleeper",
        "--serverurl=unix://{sock} status sleeper", "--serv unix://{sock} version", "-i version", "-r {dir}/history version",
        "-c /nonexistent/supervisord.conf status", "-c {dir} status", "-c {dir}/nosection.conf status", "-c {dir}/badexpansion.conf status",
        "-c {dir}/here.conf status sleeper",
    };

    /// <summary>Sequences that change state and restore it; a step starting with <c>sorted:</c> compares its lines sorted (completion order).</summary>
    public static TheoryData<string, string[]> Sequences => new()
    {
        { "stop and start one", ["stop sleeper", "stop sleeper", "status sleeper", "start sleeper", "start sleeper"] },
        { "restart", ["restart sleeper"] },
        { "group", ["sorted:stop grp:*", "stop grp:a", "status grp:*", "sorted:start grp:*"] },
        { "several names", ["stop sleeper grp:a", "start sleeper grp:a"] },
        { "manual", ["start manual", "signal CONT manual", "stop manual"] },
        { "signals", ["signal CONT sleeper", "sorted:signal CONT grp:*", "sorted:signal CONT all", "signal 18 sleeper"] },
        { "clear", ["clear manual", "clear manual nofile"] },
        { "pids", ["pid", "pid sleeper", "pid all"] },
        { "update", ["update", "update all", "update grp"] },
    };

    [ReferenceTheory]
    [MemberData(nameof(Lines))]
    public Task A_line_prints_and_exits_as_the_reference(string line) => CompareAsync([line]);

    [ReferenceTheory]
    [MemberData(nameof(Sequences))]
    public Task A_sequence_prints_and_exits_as_the_reference(string name, string[] steps)
    {
        Assert.NotEmpty(name);
        return CompareAsync(steps);
    }

    /// <summary><c>help</c> lists the reference's commands exactly, then <c>call</c> in a block of its own, as a <c>[ctlplugin:x]</c> would add one.</summary>
    [ReferenceTheory]
    [InlineData("help")]
    [InlineData("?")]
    public async Task HelpListsTheReferenceCommandsThenCall(string line)
    {
        var ours = await CtlBinary.PathAsync();
        var reference = await Clients.RunAsync(ReferenceCtl.Path, ["-c", daemon.ConfigPath, line]);
        var our = await Clients.RunAsync(ours, ["-c", daemon.ConfigPath, line]);
        Assert.Equal((reference.ExitCode, reference.Stderr), (our.ExitCode, our.Stderr));
        Assert.StartsWith(reference.Stdout, our.Stdout, StringComparison.Ordinal);
        Assert.Equal(
            "\nrpc commands (type help <topic>, or help <namespace> for its methods):\n======================================================================\ncall\n\n",
            our.Stdout[reference.Stdout.Length..]);
    }

    [ReferenceFact]
    public async Task UsageExits0AndNamesTheProgramAsTheReferenceDoes()
    {
        var ours = await CtlBinary.PathAsync();
        var reference = await Clients.RunAsync(ReferenceCtl.Path, ["-h"]);
        var our = await Clients.RunAsync(ours, ["-h"]);
        Assert.Equal((0, ""), (reference.ExitCode, reference.Stderr));
        Assert.Equal((0, ""), (our.ExitCode, our.Stderr));
        Assert.Equal(reference.Stdout.Split('\n')[..3], Transcript.Normalize(our.Stdout, programPath: ours).Split('\n')[..3]
            .Select(l => l.Replace("PROG", ReferenceCtl.Path, StringComparison.Ordinal)));
        Assert.Contains("-r/--history_file", our.Stdout, StringComparison.Ordinal);
    }

    /// <summary><c>tail -f</c> until Ctrl-C: the banner, the log's end as the stream sends it, then an empty line; exit 0.</summary>
    [ReferenceTheory]
    [InlineData("talker")]
    [InlineData("talker stderr")]
    public async Task TailFollowUntilInterruptedPrintsAsTheReference(string arguments)
    {
        var ours = await CtlBinary.PathAsync();
        var expected = arguments.EndsWith("stderr", StringComparison.Ordinal) ? "err-line\n" : "out-line\n";
        var reference = await FollowAsync(ReferenceCtl.Path, arguments, expected);
        var our = await FollowAsync(ours, arguments, expected);
        Assert.Equal(reference, our);
        Assert.Equal($"exit 0\n==> Press Ctrl-C to exit <==\n{expected}\n", our);
    }

    private Task<string> FollowAsync(string program, string arguments, string expected) =>
        Clients.FollowUntilInterruptedAsync(program, ["-c", daemon.ConfigPath, "tail", "-f", .. arguments.Split(' ')], expected);

    [ReferenceFact]
    public async Task TheShellReadingPipedLinesPrintsAsTheReference()
    {
        const string Input = "version\nstatus sleeper\nnosuch\nhelp stop\n\nshutdown\nn\nstop nosuch\n";
        var ours = await CtlBinary.PathAsync();
        var reference = await Clients.RunAsync(ReferenceCtl.Path, ["-c", daemon.ConfigPath], Input);
        var our = await Clients.RunAsync(ours, ["-c", daemon.ConfigPath], Input);
        Assert.Equal(Describe(reference, ReferenceCtl.Path), Describe(our, ours));
        Assert.Contains("supervisor> 4.2.5\n", our.Stdout, StringComparison.Ordinal);
    }

    [ReferenceFact]
    public async Task TheConfigFileIsFoundInTheWorkingDirectoryAsTheReferenceFindsIt()
    {
        var ours = await CtlBinary.PathAsync();
        var reference = await Clients.RunAsync(ReferenceCtl.Path, ["status", "sleeper"], workingDirectory: daemon.Directory.Path);
        var our = await Clients.RunAsync(ours, ["status", "sleeper"], workingDirectory: daemon.Directory.Path);
        Assert.Equal(Describe(reference, ReferenceCtl.Path), Describe(our, ours));
        Assert.Contains("RUNNING", our.Stdout, StringComparison.Ordinal);
    }

    private async Task CompareAsync(string[] steps)
    {
        PrepareConfigs();
        var ours = await CtlBinary.PathAsync();
        var reference = await TranscriptAsync(ReferenceCtl.Path, steps);
        var our = await TranscriptAsync(ours, steps);
        Assert.Equal(reference, our);
    }

    private async Task<string> TranscriptAsync(string program, string[] steps)
    {
        var transcript = new StringBuilder();
        foreach (var step in steps)
        {
            var sorted = step.StartsWith("sorted:", StringComparison.Ordinal);
            var line = sorted ? step["sorted:".Length..] : step;
            var run = await Clients.RunAsync(program, Words(line));
            transcript.Append("$ ").Append(line).Append('\n').Append(Describe(run, program, sorted));
        }

        return transcript.ToString();
    }

    private static string Describe(CtlRun run, string program, bool sorted = false)
    {
        var stdout = Transcript.Normalize(run.Stdout, programPath: program);
        return $"exit {run.ExitCode}\n--- stdout\n{(sorted ? Transcript.SortLines(stdout) : stdout)}--- stderr\n{Transcript.Normalize(run.Stderr, programPath: program)}";
    }

    /// <summary>The words of a line, placeholders filled; <c>-c CONFIG</c> first unless the line names its own <c>-c</c>.</summary>
    private string[] Words(string line)
    {
        var expanded = line.Replace("{tcp}", daemon.TcpUrl, StringComparison.Ordinal)
            .Replace("{closed}", ClosedPort.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{cfg}", daemon.ConfigPath, StringComparison.Ordinal)
            .Replace("{sock}", daemon.SocketPath, StringComparison.Ordinal)
            .Replace("{dir}", daemon.Directory.Path, StringComparison.Ordinal);
        var words = expanded.Split(' ');
        return words.Contains("-c") ? words : ["-c", daemon.ConfigPath, .. words];
    }

    /// <summary>A loopback port nothing listens on (taken once; nothing in these tests listens on it later).</summary>
    private static readonly Lazy<int> ClosedPort = new(FreePort.Next);

    /// <summary>Config files for the option cases: no [supervisorctl] section, a bad expansion, and %(here)s in serverurl.</summary>
    private void PrepareConfigs()
    {
        daemon.Directory.Write("nosection.conf", "[supervisord]\nlogfile = /dev/null\n");
        daemon.Directory.Write("badexpansion.conf", "[supervisorctl]\nserverurl = unix://%(nosuch)s/s.sock\n");
        daemon.Directory.Write("here.conf", "[supervisorctl]\nserverurl = unix://%(here)s/./s.sock\nprompt = %(ENV_HOME)s\n");
    }
}
