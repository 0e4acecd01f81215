using System.Text;
using Supervisor.Ctl.Tests.Support;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Ctl.Tests;

/// <summary>
/// The same command lines run with the reference 4.2.5 <c>supervisorctl</c> and with ours against the
/// REFERENCE daemon (Python's supervisord 4.2.5, not ours): stdout, stderr and exit status must be equal once
/// <see cref="Transcript.Normalize"/> has taken out pids, uptimes and dates. 4.2.5's <c>system.multicall</c>
/// answers each call's value bare (ours wraps it in a one-element array, README "Differences from
/// Supervisor"), so our <c>status</c> and <c>version</c> do not recognise its answer and make the reference's
/// two calls instead; these tests show the output is the reference's all the same, and that the two calls
/// were made (the daemon's trace log).
/// </summary>
public sealed class ReferenceDaemonTests(ReferenceDaemon daemon) : IClassFixture<ReferenceDaemon>
{
    /// <summary>Lines that change nothing (or fail before they could), each run once by each client.</summary>
    public static TheoryData<string> Lines => new()
    {
        // status: all, names, a group, unknown names; exit 3 for a process not running, 4 for an unknown name
        "status", "status all", "status sleeper", "status grp:*", "status grp:a", "status sleeper talker", "status fatal",
        "status quick", "status manual", "status nosuch", "status nosuch:*", "status grp:nosuch", "status sleeper nosuch manual",
        // version, pid
        "version", "version x", "pid", "pid sleeper", "pid all", "pid manual", "pid nosuch",
        // start / stop of names that change nothing
        "start", "start sleeper", "start grp:*", "start nosuch", "start nosuch:*", "stop", "stop manual", "stop nosuch",
        "signal HUP nosuch", "signal CONT sleeper", "clear nosuch", "clear sleeper",
        // logs and configuration
        "tail talker", "tail talker stderr", "tail -4 talker", "tail nosuch", "avail", "reread", "update",
        "add nosuch", "add sleeper", "remove nosuch", "remove sleeper",
        // help
        "help status", "help version", "help start", "help avail", "help nosuch", "nosuch",
        // the TCP port (the config's credentials), and the unix socket with credentials given on the command line
        "-s {tcp} status", "-s {tcp} version", "-s {tcp} status grp:*", "-s {tcp} pid", "-s {tcp} avail", "-s {tcp} start sleeper",
        "-u user -p secret status sleeper", "-u user -p secret version",
        // faults: no credentials, a wrong password (unix socket and TCP), a daemon that is not there (no socket, a stale one)
        "-c {dir}/nocreds.conf status", "-c {dir}/nocreds.conf version", "-c {dir}/nocreds.conf pid",
        "-c {dir}/nocreds.conf start sleeper", "-c {dir}/nocreds.conf avail",
        "-u user -p wrong status", "-u user -p wrong status sleeper", "-u user -p wrong version", "-u user -p wrong stop sleeper",
        "-u user -p wrong avail", "-s {tcp} -u user -p wrong status", "-s {tcp} -u user -p wrong version",
        "-s unix://{dir}/absent.sock status", "-s unix://{dir}/absent.sock version", "-s unix://{dir}/absent.sock pid",
        "-s unix://{dir}/absent.sock start sleeper", "-s unix://{dir}/stale.sock status", "-s unix://{dir}/stale.sock version",
    };

    /// <summary>Sequences that change state and restore it; a step starting with <c>sorted:</c> compares its lines sorted (completion order).</summary>
    public static TheoryData<string, string[]> Sequences => new()
    {
        { "stop and start one", ["stop sleeper", "stop sleeper", "status sleeper", "pid sleeper", "start sleeper", "start sleeper", "status sleeper"] },
        { "group", ["sorted:stop grp:*", "stop grp:a", "status grp:*", "sorted:start grp:*", "status grp:*"] },
        { "several names", ["stop sleeper grp:a", "status", "start sleeper grp:a"] },
        { "a stopped one", ["start manual", "status manual", "pid manual", "stop manual", "status manual"] },
        { "a start that fails", ["start fatal", "status fatal"] },
        { "restart", ["restart sleeper", "status sleeper"] },
        { "signals", ["signal CONT sleeper grp:a", "sorted:signal CONT grp:*"] },
    };

    [ReferenceDaemonTheory]
    [MemberData(nameof(Lines))]
    public Task ALinePrintsAndExitsAsTheReference(string line) => CompareAsync([line]);

    [ReferenceDaemonTheory]
    [MemberData(nameof(Sequences))]
    public Task ASequencePrintsAndExitsAsTheReference(string name, string[] steps)
    {
        Assert.NotEmpty(name);
        return CompareAsync(steps);
    }

    /// <summary><c>help</c> lists the reference's commands, then <c>call</c> in a block of its own (as against our daemon).</summary>
    [ReferenceDaemonFact]
    public async Task HelpListsTheReferenceCommandsThenCall()
    {
        var ours = await CtlBinary.PathAsync();
        var reference = await Clients.RunAsync(ReferenceCtl.Path, ["-c", daemon.ConfigPath, "help"]);
        var our = await Clients.RunAsync(ours, ["-c", daemon.ConfigPath, "help"]);
        Assert.Equal((reference.ExitCode, reference.Stderr), (our.ExitCode, our.Stderr));
        Assert.StartsWith(reference.Stdout, our.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("\nrpc commands", our.Stdout[reference.Stdout.Length..], StringComparison.Ordinal);
    }

    /// <summary>
    /// Our <c>status</c> and <c>version</c> send the upcheck and their call as one <c>system.multicall</c>;
    /// 4.2.5 answers it with bare values (ours with one-element arrays), which our client takes as they are.
    /// The daemon's trace log names each request's method: the reference client's two, and ours the one
    /// multicall. The output is the reference's.
    /// </summary>
    [ReferenceDaemonTheory]
    [InlineData("status", "supervisor.getAllProcessInfo")]
    [InlineData("status grp:*", "supervisor.getAllProcessInfo")]
    [InlineData("version", "supervisor.getSupervisorVersion")]
    public async Task OursTakesTheReferencesBareMulticallAnswerInOneRequest(string line, string method)
    {
        var ours = await CtlBinary.PathAsync();
        var before = daemon.LogLength;
        var reference = await Clients.RunAsync(ReferenceCtl.Path, Words(line));
        var referenceCalls = daemon.MethodsCalledSince(before);
        before = daemon.LogLength;
        var our = await Clients.RunAsync(ours, Words(line));
        var ourCalls = daemon.MethodsCalledSince(before);

        Assert.Equal(Describe(reference, ReferenceCtl.Path), Describe(our, ours));
        Assert.Equal(["supervisor.getVersion()", $"{method}()"], referenceCalls);
        Assert.Equal(["system.multicall()"], ourCalls);
    }

    /// <summary>The shell keeps one connection for every line: its first <c>status</c> and a later <c>version</c> each make one multicall on it.</summary>
    [ReferenceDaemonFact]
    public async Task TheShellReadingPipedLinesPrintsAsTheReference()
    {
        const string Input = "version\nstatus sleeper\nnosuch\nstatus grp:*\npid manual\nhelp stop\n\nstop nosuch\n";
        var ours = await CtlBinary.PathAsync();
        var reference = await Clients.RunAsync(ReferenceCtl.Path, ["-c", daemon.ConfigPath], Input);
        var our = await Clients.RunAsync(ours, ["-c", daemon.ConfigPath], Input);
        Assert.Equal(Describe(reference, ReferenceCtl.Path), Describe(our, ours));
        Assert.Contains("supervisor> 4.2.5\n", our.Stdout, StringComparison.Ordinal);
    }

    /// <summary><c>tail -f</c> over 4.2.5's <c>/logtail</c> until Ctrl-C: the banner, the log's end, an empty line; exit 0.</summary>
    [ReferenceDaemonTheory]
    [InlineData("talker", "out-line\n")]
    [InlineData("talker stderr", "err-line\n")]
    public async Task TailFollowUntilInterruptedPrintsAsTheReference(string arguments, string expected)
    {
        var ours = await CtlBinary.PathAsync();
        string[] args = ["-c", daemon.ConfigPath, "tail", "-f", .. arguments.Split(' ')];
        var reference = await Clients.FollowUntilInterruptedAsync(ReferenceCtl.Path, args, expected);
        var our = await Clients.FollowUntilInterruptedAsync(ours, args, expected);
        Assert.Equal(reference, our);
        Assert.Equal($"exit 0\n==> Press Ctrl-C to exit <==\n{expected}\n", our);
    }

    /// <summary>
    /// A 4.2.5 daemon without <c>[rpcinterface:supervisor]</c>: its multicall answers two fault structs, which
    /// ARE outcomes in either shape, so our <c>status</c> takes them without falling back (one request, the
    /// multicall) and prints the upcheck's explanation as the reference does after its failed getVersion.
    /// </summary>
    [ReferenceDaemonFact]
    public async Task WithoutTheSupervisorNamespaceOursPrintsAsTheReference()
    {
        var bare = new ReferenceDaemon(supervisorNamespace: false);
        try
        {
            await bare.InitializeAsync();
            foreach (var line in new[] { "status", "status sleeper", "version", "pid", "start sleeper", "stop sleeper", "avail", "tail talker", "maintail" })
            {
                await CompareAsync(bare, [line]);
            }

            var before = bare.LogLength;
            var our = await Clients.RunAsync(await CtlBinary.PathAsync(), Words(bare, "status"));
            Assert.Equal(["system.multicall()"], bare.MethodsCalledSince(before));
            Assert.Contains("did not recognize the supervisor namespace", our.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await bare.DisposeAsync();
        }
    }

    /// <summary>
    /// <c>shutdown</c> and <c>reload</c> (a one-shot run does not ask to confirm), each client against a 4.2.5
    /// daemon of its own: the same words and exit status, and the daemon has exited or started again.
    /// </summary>
    [ReferenceDaemonTheory]
    [InlineData("shutdown")]
    [InlineData("reload")]
    public async Task ShutdownAndReloadPrintAsTheReferenceAndAreDone(string command)
    {
        var ours = await CtlBinary.PathAsync();
        var reference = await OnItsOwnDaemonAsync(ReferenceCtl.Path, command);
        var our = await OnItsOwnDaemonAsync(ours, command);
        Assert.Equal(reference, our);
        Assert.Equal(command == "shutdown" ? "exit 0\n--- stdout\nShut down\n--- stderr\n" : "exit 0\n--- stdout\nRestarted supervisord\n--- stderr\n", our);
    }

    private static async Task<string> OnItsOwnDaemonAsync(string program, string command)
    {
        var own = new ReferenceDaemon();
        try
        {
            await own.InitializeAsync();
            var run = await Clients.RunAsync(program, Words(own, command));
            if (command == "shutdown")
            {
                Assert.True(await own.ExitsAsync(), $"{program} shutdown: the daemon is still running\n{own.Output}");
            }
            else
            {
                await own.WaitUntilAsync("started again", () => own.Starts == 2);
                await own.WaitUntilSettledAsync();
            }

            return Describe(own, run, program);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private Task CompareAsync(string[] steps) => CompareAsync(daemon, steps);

    private static async Task CompareAsync(ReferenceDaemon target, string[] steps)
    {
        PrepareFiles(target);
        var ours = await CtlBinary.PathAsync();
        var reference = await TranscriptAsync(target, ReferenceCtl.Path, steps);
        var our = await TranscriptAsync(target, ours, steps);
        Transcript.AssertEqual(reference, our, "reference supervisorctl", "ours");
    }

    private static async Task<string> TranscriptAsync(ReferenceDaemon target, string program, string[] steps)
    {
        var transcript = new StringBuilder();
        foreach (var step in steps)
        {
            var sorted = step.StartsWith("sorted:", StringComparison.Ordinal);
            var line = sorted ? step["sorted:".Length..] : step;
            var run = await Clients.RunAsync(program, Words(target, line));
            transcript.Append("$ ").Append(line).Append('\n').Append(Describe(target, run, program, sorted));
        }

        return transcript.ToString();
    }

    /// <summary>The run normalized; bare pid lines too, since a sequence's stop and start give a process a new pid between the two clients' runs.</summary>
    private string Describe(CtlRun run, string program) => Describe(daemon, run, program);

    private static string Describe(ReferenceDaemon target, CtlRun run, string program, bool sorted = false)
    {
        var stdout = Transcript.NormalizePidLines(Transcript.Normalize(run.Stdout, target.Directory.Path, program));
        var stderr = Transcript.Normalize(run.Stderr, target.Directory.Path, program);
        return $"exit {run.ExitCode}\n--- stdout\n{(sorted ? Transcript.SortLines(stdout) : stdout)}--- stderr\n{stderr}";
    }

    /// <summary>The words of a line, placeholders filled; <c>-c CONFIG</c> first unless the line names its own <c>-c</c>.</summary>
    private string[] Words(string line) => Words(daemon, line);

    private static string[] Words(ReferenceDaemon target, string line)
    {
        var words = line.Replace("{tcp}", target.TcpUrl, StringComparison.Ordinal)
            .Replace("{dir}", target.Directory.Path, StringComparison.Ordinal)
            .Split(' ');
        return words.Contains("-c") ? words : ["-c", target.ConfigPath, .. words];
    }

    /// <summary>
    /// A config whose <c>[supervisorctl]</c> names the socket but no credentials, and a stale socket: a unix
    /// socket file nothing listens on (a daemon killed without cleaning up), which refuses connections.
    /// </summary>
    private static void PrepareFiles(ReferenceDaemon target)
    {
        target.Directory.Write("nocreds.conf", "[supervisorctl]\nserverurl = unix://%(here)s/s.sock\n");
        var stale = target.Directory.File("stale.sock");
        if (!File.Exists(stale))
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(stale));
        }
    }
}
