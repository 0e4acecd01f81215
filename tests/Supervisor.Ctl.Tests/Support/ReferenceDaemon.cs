using System.Diagnostics;
using System.Text;
using Supervisor.Ctl.Transport;
using Supervisor.Ctl.XmlRpc;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Ctl.Tests.Support;

/// <summary>
/// The reference daemon, Python's supervisord 4.2.5 (<c>/usr/bin/supervisord -n -c FILE</c>), with a small
/// fixed set of programs, shared by a test class. Both its sockets want <c>user</c>/<c>secret</c>; the
/// config's <c>[supervisorctl]</c> section names the unix socket and those credentials, so a client run with
/// <c>-c CONFIG</c> gets in. It logs at <c>trace</c>, where 4.2.5 writes one <c>XML-RPC method called:
/// NAME()</c> line per request (supervisor/xmlrpc.py, <c>supervisor_xmlrpc_handler.continue_request</c>),
/// so a test can count the requests a client made. Start-up waits until every program has settled.
/// </summary>
public sealed class ReferenceDaemon : IAsyncLifetime
{
    public const string Executable = "/usr/bin/supervisord";

    public const string SkipReason = "the reference supervisorctl/supervisord are not installed (apt-get install supervisor)";

    public const string Username = "user";
    public const string Password = "secret";

    /// <summary>Running, stopped, fatal and exited programs and a group of two; <c>startsecs = 0</c> where a test starts one, so a start does not wait a second.</summary>
    public const string Programs = """
        [program:sleeper]
        command = sleep 100000
        startsecs = 0

        [program:talker]
        command = /bin/sh -c 'echo out-line; echo err-line >&2; exec sleep 100000'

        [program:fatal]
        command = /bin/sh -c 'exit 3'
        startsecs = 1
        startretries = 0

        [program:quick]
        command = /bin/true
        startsecs = 0
        autorestart = false

        [program:manual]
        command = sleep 100000
        startsecs = 0
        autostart = false

        [group:grp]
        programs = a,b

        [program:a]
        command = sleep 100000
        startsecs = 0

        [program:b]
        command = sleep 100000
        startsecs = 0
        """;

    private readonly StringBuilder _output = new();
    private readonly bool _supervisorNamespace;
    private Process? _process;

    public ReferenceDaemon()
        : this(supervisorNamespace: true)
    {
    }

    /// <param name="supervisorNamespace">False leaves out <c>[rpcinterface:supervisor]</c>: only <c>system</c> answers.</param>
    internal ReferenceDaemon(bool supervisorNamespace)
    {
        _supervisorNamespace = supervisorNamespace;
    }

    public static bool IsInstalled => File.Exists(Executable) && ReferenceCtl.IsInstalled;

    internal TempDirectory Directory { get; } = new();

    public string ConfigPath => Directory.File("supervisord.conf");

    public string SocketPath => Directory.File("s.sock");

    public string LogPath => Directory.File("supervisord.log");

    public int Port { get; private set; }

    public string TcpUrl => $"http://127.0.0.1:{Port}";

    /// <summary>What the daemon printed (it runs with <c>-n</c>), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        if (!IsInstalled)
        {
            // The tests skip with the reason; nothing to start.
            return;
        }

        Port = FreePort.Next();
        Directory.Write("supervisord.conf", $"""
            [unix_http_server]
            file = %(here)s/s.sock
            username = {Username}
            password = {Password}

            [inet_http_server]
            port = 127.0.0.1:{Port}
            username = {Username}
            password = {Password}

            [supervisord]
            logfile = %(here)s/supervisord.log
            pidfile = %(here)s/supervisord.pid
            childlogdir = %(here)s
            loglevel = trace
            identifier = ref-tests

            {(_supervisorNamespace ? "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface" : "")}

            [supervisorctl]
            serverurl = unix://%(here)s/s.sock
            username = {Username}
            password = {Password}

            {Programs}
            """);

        var info = new ProcessStartInfo(Executable)
        {
            ArgumentList = { "-n", "-c", ConfigPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await WaitUntilSettledAsync();
    }

    /// <summary>
    /// Waits until every program has settled (after start-up or a reload). A SIGTERM that reaches a child between
    /// 4.2.5's fork and its exec is lost (the child still has the daemon's handler), and the daemon then waits
    /// <c>stopwaitsecs</c> before SIGKILL; so the tests stop a daemon only once its programs run.
    /// </summary>
    public Task WaitUntilSettledAsync() => WaitUntilAsync("settled", Settled);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with the daemon's output when the daemon exits or 30 s pass.</summary>
    public async Task WaitUntilAsync(string what, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process!.HasExited || clock.Elapsed.TotalSeconds > 30)
            {
                throw new InvalidOperationException($"{Executable} not {what} ({(_process.HasExited ? $"exit {_process.ExitCode}" : "30 s")}):\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>How many times the daemon has logged its start (<c>supervisord started with pid N</c>): once, and once more per reload.</summary>
    public int Starts
    {
        get
        {
            using var log = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var text = new StreamReader(log).ReadToEnd();
            return text.Split("supervisord started with pid ").Length - 1;
        }
    }

    /// <summary>Waits for the daemon's exit (after a <c>shutdown</c>); false when it is still running after 30 s.</summary>
    public async Task<bool> ExitsAsync()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process!.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Every autostart program RUNNING, <c>fatal</c> FATAL and <c>quick</c> EXITED; without the supervisor namespace, serving.</summary>
    private bool Settled()
    {
        Dictionary<string, string> states;
        try
        {
            using var proxy = Proxy();
            if (!_supervisorNamespace)
            {
                return proxy.Call("system.listMethods") is not null;
            }

            states = Values.List(proxy.Call("supervisor.getAllProcessInfo")).Select(Values.Struct)
                .ToDictionary(i => i.Str("name"), i => i.Str("statename"));
        }
        catch (Exception e) when (e is PythonException or EndOfStreamException)
        {
            // Not serving yet.
            return false;
        }

        return states.GetValueOrDefault("fatal") == "FATAL"
            && states.GetValueOrDefault("quick") == "EXITED"
            && new[] { "sleeper", "talker", "a", "b" }.All(n => states.GetValueOrDefault(n) == "RUNNING");
    }

    internal ServerProxy Proxy() => new(ServerUrl.Parse("unix://" + SocketPath)!, Username, Password);

    /// <summary>The methods named by the log's <c>XML-RPC method called:</c> lines after <paramref name="offset"/> bytes, in order.</summary>
    public IReadOnlyList<string> MethodsCalledSince(long offset)
    {
        using var log = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        log.Position = offset;
        const string Marker = "XML-RPC method called: ";
        return [.. new StreamReader(log).ReadToEnd().Split('\n')
            .Select(line => line.IndexOf(Marker, StringComparison.Ordinal) is var at and >= 0 ? line[(at + Marker.Length)..] : null)
            .OfType<string>()];
    }

    /// <summary>The log's length now, to read what a run adds with <see cref="MethodsCalledSince"/>.</summary>
    public long LogLength => new FileInfo(LogPath).Length;

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                // SIGTERM: 4.2.5 stops its programs and exits.
                _ = Signals.Send(_process.Id, Signals.Term);
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await _process.WaitForExitAsync(cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }

            _process.Dispose();
        }

        Directory.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>A test that runs both clients against the reference daemon; skipped with the reason when 4.2.5 is not installed (CI installs it, and fails on skips).</summary>
public sealed class ReferenceDaemonFactAttribute : FactAttribute
{
    public ReferenceDaemonFactAttribute()
    {
        if (!ReferenceDaemon.IsInstalled)
        {
            Skip = ReferenceDaemon.SkipReason;
        }
    }
}

/// <summary>A theory that runs both clients against the reference daemon; skipped with the reason when 4.2.5 is not installed.</summary>
public sealed class ReferenceDaemonTheoryAttribute : TheoryAttribute
{
    public ReferenceDaemonTheoryAttribute()
    {
        if (!ReferenceDaemon.IsInstalled)
        {
            Skip = ReferenceDaemon.SkipReason;
        }
    }
}
