using System.Diagnostics;
using System.Globalization;
using Supervisor.Ctl.Transport;
using Supervisor.Ctl.XmlRpc;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Ctl.Tests.Support;

/// <summary>
/// Our daemon (src/Host) with a small fixed set of programs, shared by a test class: the unix socket
/// without credentials (named by the config's <c>[supervisorctl]</c> section through <c>%(here)s</c>),
/// the TCP port with <c>user</c>/<c>secret</c>. Start-up waits until every program has settled.
/// </summary>
public sealed class CtlDaemon : IAsyncLifetime
{
    public const string Username = "user";
    public const string Password = "secret";

    public const string Programs = """
        [program:sleeper]
        command = sleep 100000

        [program:talker]
        command = /bin/sh -c 'echo out-line; echo err-line >&2; exec sleep 100000'

        [program:fatal]
        command = /bin/sh -c 'exit 3'
        startsecs = 1
        startretries = 0

        [program:manual]
        command = sleep 100000
        autostart = false

        [program:nofile]
        command = /nonexistent/binary
        autostart = false

        [group:grp]
        programs = a,b

        [program:a]
        command = sleep 100000

        [program:b]
        command = sleep 100000
        """;

    private DaemonProcess? _process;

    internal TempDirectory Directory { get; } = new();

    public string ConfigPath => Directory.File("supervisord.conf");

    public string SocketPath => Directory.File("s.sock");

    public int Port { get; private set; }

    public string TcpUrl => $"http://127.0.0.1:{Port}";

    public int Pid => _process!.Pid;

    public async Task InitializeAsync()
    {
        Port = FreePort.Next();
        Directory.Write("supervisord.conf", $"""
            [unix_http_server]
            file = %(here)s/s.sock

            [inet_http_server]
            port = 127.0.0.1:{Port}
            username = {Username}
            password = {Password}

            [supervisord]
            logfile = %(here)s/supervisord.log
            pidfile = %(here)s/supervisord.pid
            childlogdir = %(here)s
            identifier = ctl-tests

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [rpcinterface:another]
            supervisor.rpcinterface_factory = my.package:make_another_rpcinterface
            retries = 1

            [supervisorctl]
            serverurl = unix://%(here)s/s.sock

            {Programs}
            """);
        _process = await DaemonProcess.StartAsync(ConfigPath, () => Task.FromResult(Settled()));
    }

    /// <summary>Every autostart program RUNNING and <c>fatal</c> FATAL.</summary>
    private bool Settled()
    {
        Dictionary<string, string> states;
        try
        {
            using var proxy = Proxy();
            states = Values.List(proxy.Call("supervisor.getAllProcessInfo")).Select(Values.Struct)
                .ToDictionary(i => i.Str("name"), i => i.Str("statename"));
        }
        catch (Exception e) when (e is PythonException or EndOfStreamException)
        {
            // Not serving yet.
            return false;
        }

        return states.GetValueOrDefault("fatal") == "FATAL"
            && new[] { "sleeper", "talker", "a", "b" }.All(n => states.GetValueOrDefault(n) == "RUNNING");
    }

    internal ServerProxy Proxy() => new(ServerUrl.Parse("unix://" + SocketPath)!, null, null);

    /// <summary>Polls until <paramref name="name"/> is in <paramref name="state"/>.</summary>
    public async Task WaitForStateAsync(string name, string state, double seconds = 15)
    {
        var clock = Stopwatch.StartNew();
        string last;
        do
        {
            using (var proxy = Proxy())
            {
                last = Values.Struct(proxy.Call("supervisor.getProcessInfo", name)).Str("statename");
            }

            if (last == state)
            {
                return;
            }

            await Task.Delay(20);
        }
        while (clock.Elapsed.TotalSeconds < seconds);

        throw new Xunit.Sdk.XunitException($"{name} did not reach {state} within {seconds.ToString(CultureInfo.InvariantCulture)} s (last {last})\n{_process!.Output}");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Directory.Dispose();
    }
}
