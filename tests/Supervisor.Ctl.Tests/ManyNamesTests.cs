using Supervisor.Ctl.Tests.Support;
using Supervisor.Ctl.Transport;
using Supervisor.Ctl.XmlRpc;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Ctl.Tests;

/// <summary>
/// <c>start</c> and <c>stop</c> of several names make their calls side by side and print in the names' order: the
/// output is the reference's, and the daemon's log shows every start begun before the first one's startsecs ended.
/// </summary>
public sealed class ManyNamesTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private DaemonProcess? _daemon;

    private string ConfigPath => _directory.File("supervisord.conf");

    public async Task InitializeAsync()
    {
        var programs = string.Concat(new[] { "p1", "p2", "p3" }.Select(name => $"""

            [program:{name}]
            command = sleep 100000
            autostart = false
            startsecs = 2
            stopwaitsecs = 5

            """));
        _directory.Write("supervisord.conf", $"""
            [unix_http_server]
            file = %(here)s/s.sock

            [supervisord]
            logfile = %(here)s/supervisord.log
            pidfile = %(here)s/supervisord.pid
            childlogdir = %(here)s

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [supervisorctl]
            serverurl = unix://%(here)s/s.sock
            {programs}
            """);
        _daemon = await DaemonProcess.StartAsync(ConfigPath, () => Task.FromResult(Serving()));
    }

    [Fact]
    public async Task SeveralStartsRunSideBySideAndPrintInTheNamesOrder()
    {
        var ours = await CtlBinary.PathAsync();
        var started = await Clients.RunAsync(ours, ["-c", ConfigPath, "start", "p3", "nosuch", "p1", "p2"]);
        Assert.Equal("p3: started\nnosuch: ERROR (no such process)\np1: started\np2: started\n", started.Stdout);

        // Begun together: all three were spawned before the first of them reached RUNNING (2 s later).
        var log = File.ReadAllLines(_directory.File("supervisord.log"));
        var lastSpawn = Array.FindLastIndex(log, l => l.Contains("spawned: 'p", StringComparison.Ordinal));
        var firstSuccess = Array.FindIndex(log, l => l.Contains("success: p", StringComparison.Ordinal));
        Assert.True(lastSpawn >= 0 && firstSuccess > lastSpawn, string.Join('\n', log));

        var stopped = await Clients.RunAsync(ours, ["-c", ConfigPath, "stop", "p2", "p1", "p3"]);
        Assert.Equal(("p2: stopped\np1: stopped\np3: stopped\n", 0), (stopped.Stdout, stopped.ExitCode));
    }

    [ReferenceFact]
    public async Task TheOutputAndStatusAreTheReferences()
    {
        var ours = await CtlBinary.PathAsync();
        // Each line runs from the same state for both clients: before it, the setup; after it, everything stopped.
        var cases = new (string Setup, string Line)[]
        {
            ("", "start p1 p2 nosuch:* p3"),
            ("start p1", "start p1 p2"),
            ("start all", "stop p3 nosuch p1 p2"),
            ("start p2", "stop p1 p2"),
        };
        foreach (var (setup, line) in cases)
        {
            var reference = await RunFromAsync(ReferenceCtl.Path, setup, line);
            var our = await RunFromAsync(ours, setup, line);
            Assert.Equal(reference.ToString(), our.ToString());
        }
    }

    private async Task<CtlRun> RunFromAsync(string program, string setup, string line)
    {
        if (setup.Length > 0)
        {
            await Clients.RunAsync(ReferenceCtl.Path, ["-c", ConfigPath, .. setup.Split(' ')]);
        }

        var run = await Clients.RunAsync(program, ["-c", ConfigPath, .. line.Split(' ')]);
        await Clients.RunAsync(ReferenceCtl.Path, ["-c", ConfigPath, "stop", "all"]);
        return run;
    }

    private bool Serving()
    {
        try
        {
            using var proxy = new ServerProxy(ServerUrl.Parse("unix://" + _directory.File("s.sock"))!, null, null);
            return Values.Struct(proxy.Call("supervisor.getState")).Str("statename") == "RUNNING";
        }
        catch (Exception e) when (e is PythonException or EndOfStreamException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        _directory.Dispose();
    }
}
