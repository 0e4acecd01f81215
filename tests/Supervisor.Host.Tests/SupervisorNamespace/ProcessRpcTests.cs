using System.Diagnostics;
using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.SupervisorNamespace;

/// <summary>
/// The process methods of the <c>supervisor</c> namespace (<c>supervisor/rpcinterface.py</c>) and the log
/// streams (<c>supervisor/http.py</c>, <c>logtail_handler</c>) against a real daemon with real children.
/// </summary>
public sealed class ProcessRpcTests : IAsyncLifetime
{
    private const string Programs = """
        [program:sleeper]
        command = /bin/sh -c 'echo started; exec sleep 1000'
        startsecs = 1
        autostart = false
        stdout_logfile = {dir}/sleeper.out

        [program:quick]
        command = /bin/sh -c 'exit 3'
        startsecs = 1
        startretries = 0
        autostart = false

        [program:nocmd]
        command = {dir}/does-not-exist
        autostart = false

        [program:cat]
        command = /bin/cat
        autostart = false
        startsecs = 0
        stdout_logfile = {dir}/cat.out

        [program:talker]
        command = /bin/sh -c 'i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done'
        autostart = false
        startsecs = 0
        stdout_logfile = {dir}/talker.out

        [group:grp]
        programs = ga,gb

        [program:ga]
        command = /bin/sh -c 'exec sleep 1000'
        startsecs = 1
        autostart = false
        priority = 1

        [program:gb]
        command = /bin/sh -c 'exec sleep 1000'
        startsecs = 2
        autostart = false
        priority = 2
        """;

    private RunningDaemon _daemon = null!;

    private RpcClient Rpc => _daemon.Unix;

    public async Task InitializeAsync() => _daemon = await RunningDaemon.StartAsync(RunningDaemon.StandardSections + Programs);

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task StartWaitsForRunningThenStopStopsIt()
    {
        var watch = Stopwatch.StartNew();
        Assert.Equal(true, await Rpc.ValueAsync("supervisor.startProcess", "sleeper"));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        var info = await Info("sleeper");
        Assert.Equal("RUNNING", info["statename"]);
        Assert.StartsWith("pid " + info["pid"] + ", uptime 0:00:0", (string)info["description"]!);
        Assert.Equal((60, "ALREADY_STARTED: sleeper"), await Fault("supervisor.startProcess", "sleeper"));

        Assert.Equal(true, await Rpc.ValueAsync("supervisor.stopProcess", "sleeper:sleeper"));
        info = await Info("sleeper");
        Assert.Equal("STOPPED", info["statename"]);
        Assert.Matches(@"^[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M$", (string)info["description"]!);
        Assert.Equal((70, "NOT_RUNNING: sleeper:sleeper"), await Fault("supervisor.stopProcess", "sleeper:sleeper"));
    }

    [Fact]
    public async Task AllProcessInfoShowsEveryChangeAtOnceThoughItIsAnsweredFromOneEncoding()
    {
        // getAllProcessInfo answers the same encoded bytes while the engine snapshot and the second are
        // the same: a change within the second must still show in the very next call.
        string StateOf(object? all, string name) =>
            (string)((object?[])all!).Cast<Dictionary<string, object?>>().Single(p => (string)p["name"]! == name)["statename"]!;

        var before = await Rpc.ValueAsync("supervisor.getAllProcessInfo");
        Assert.Equal("STOPPED", StateOf(before, "cat"));
        Assert.Equal(true, await Rpc.ValueAsync("supervisor.startProcess", "cat"));
        Assert.Equal("RUNNING", StateOf(await Rpc.ValueAsync("supervisor.getAllProcessInfo"), "cat"));
        Assert.Equal(true, await Rpc.ValueAsync("supervisor.stopProcess", "cat"));
        Assert.Equal("STOPPED", StateOf(await Rpc.ValueAsync("supervisor.getAllProcessInfo"), "cat"));
    }

    [Fact]
    public async Task StartFaultsFollowTheReference()
    {
        Assert.Equal((20, $"NO_FILE: can't find command '{_daemon.Directory.File("does-not-exist")}'"), await Fault("supervisor.startProcess", "nocmd"));
        Assert.Equal((50, "SPAWN_ERROR: quick"), await Fault("supervisor.startProcess", "quick"));
        Assert.Equal((10, "BAD_NAME: ga"), await Fault("supervisor.startProcess", "ga"));
        Assert.Equal((10, "BAD_NAME: grp:*"), await Fault("supervisor.startProcessGroup", "grp:*"));
    }

    [Fact]
    public async Task GroupStartWaitsConcurrentlyAndOrdersEntriesByCompletion()
    {
        var watch = Stopwatch.StartNew();
        var results = Entries(await Rpc.ValueAsync("supervisor.startProcess", "grp:*"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal([("ga", "grp", 80, "OK"), ("gb", "grp", 80, "OK")], results);
        Assert.Empty(Entries(await Rpc.ValueAsync("supervisor.startProcessGroup", "grp")));

        // The string "false" is true to the reference (any non-empty string is), so this waits too. Both children
        // die on the same SIGTERM and are reaped in whichever order the kernel reports them, so only the set of
        // entries is fixed here; the start above pins the completion order (startsecs 1 before 2).
        var stopped = Entries(await Rpc.ValueAsync("supervisor.stopProcessGroup", "grp", "false"));
        Assert.Equal([("ga", "grp", 80, "OK"), ("gb", "grp", 80, "OK")], stopped.Order());
    }

    [Fact]
    public async Task StartAllPutsImmediateFaultsFirst()
    {
        var results = Entries(await Rpc.ValueAsync("supervisor.startAllProcesses"));
        var nocmd = results.FindIndex(r => r.Name == "nocmd");
        var sleeper = results.FindIndex(r => r.Name == "sleeper");
        Assert.Equal(20, results[nocmd].Status);
        Assert.True(nocmd < sleeper, string.Join(", ", results));
        await Rpc.ValueAsync("supervisor.stopAllProcesses");
    }

    [Fact]
    public async Task SignalsAreParsedAndChecked()
    {
        Assert.Equal((70, "NOT_RUNNING: sleeper"), await Fault("supervisor.signalProcess", "sleeper", "HUP"));
        Assert.Equal((11, "BAD_SIGNAL: 99"), await Fault("supervisor.signalProcess", "sleeper", "99"));
        await Rpc.ValueAsync("supervisor.startProcess", "sleeper");
        Assert.Equal(true, await Rpc.ValueAsync("supervisor.signalProcess", "sleeper", "0"));
        Assert.Equal(true, await Rpc.ValueAsync("supervisor.signalProcess", "sleeper", 15));
        await Task.Delay(1500);
        Assert.NotEqual("STOPPED", (await Info("sleeper"))["statename"]);
    }

    [Fact]
    public async Task StdinReachesTheChildAndShowsInItsLog()
    {
        await Rpc.ValueAsync("supervisor.startProcess", "cat");
        Assert.Equal(true, await Rpc.ValueAsync("supervisor.sendProcessStdin", "cat", "hello ✓\n"));
        await WaitFor(async () => (string)(await Rpc.ValueAsync("supervisor.readProcessStdoutLog", "cat", 0, 0))! == "hello ✓\n");
        var tail = (object?[])(await Rpc.ValueAsync("supervisor.tailProcessStdoutLog", "cat", 0, 4))!;
        Assert.Equal(("✓\n", 10, true), ((string)tail[0]!, (int)tail[1]!, (bool)tail[2]!));
        Assert.Equal((2, "INCORRECT_PARAMETERS: 123"), await Fault("supervisor.sendProcessStdin", "cat", 123));
        Assert.Equal(true, await Rpc.ValueAsync("supervisor.clearProcessLogs", "cat"));
        Assert.Equal("", await Rpc.ValueAsync("supervisor.readProcessStdoutLog", "cat", 0, 0));
        await Rpc.ValueAsync("supervisor.stopProcess", "cat");
        Assert.Equal((70, "NOT_RUNNING: cat"), await Fault("supervisor.sendProcessStdin", "cat", "x"));
    }

    [Fact]
    public async Task LogtailStreamsTheProcessLog()
    {
        await Rpc.ValueAsync("supervisor.startProcess", "talker");
        using var http = new HttpClient { BaseAddress = new Uri(_daemon.TcpUrl) };
        using var response = await http.GetAsync("logtail/talker", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no", string.Join(",", response.Headers.GetValues("X-Accel-Buffering")));
        await using var body = await response.Content.ReadAsStreamAsync();
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!seen.ToString().Contains("line 3", StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer, timeout.Token);
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("logtail/nosuch")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("logtail/talker/stdin")).StatusCode);
        await Rpc.ValueAsync("supervisor.stopProcess", "talker");
    }

    [Fact]
    public async Task ConfigInfoAndGroupsCanBeListedRemovedAndAdded()
    {
        var configs = ((object?[])(await Rpc.ValueAsync("supervisor.getAllConfigInfo"))!).Cast<Dictionary<string, object?>>().ToList();
        Assert.Equal(configs.Select(c => (string)c["name"]!).Order(StringComparer.Ordinal), configs.Select(c => (string)c["name"]!));
        Assert.Equal([new object?[] { Array.Empty<object?>(), Array.Empty<object?>(), Array.Empty<object?>() }], (object?[])(await Rpc.ValueAsync("supervisor.reloadConfig"))!);
        Assert.Equal(true, await Rpc.ValueAsync("supervisor.removeProcessGroup", "grp"));
        Assert.Equal((10, "BAD_NAME: grp"), await Fault("supervisor.removeProcessGroup", "grp"));
        Assert.Equal(true, await Rpc.ValueAsync("supervisor.addProcessGroup", "grp"));
        Assert.Equal((90, "ALREADY_ADDED: grp"), await Fault("supervisor.addProcessGroup", "grp"));
    }

    private async Task<Dictionary<string, object?>> Info(string name) =>
        (Dictionary<string, object?>)(await Rpc.ValueAsync("supervisor.getProcessInfo", name))!;

    private async Task<(int, string)> Fault(string method, params object?[] parameters)
    {
        var fault = await Rpc.FaultAsync(method, parameters);
        return (fault.Code, fault.String);
    }

    private static List<(string Name, string Group, int Status, string Description)> Entries(object? value) =>
        [.. ((object?[])value!).Cast<Dictionary<string, object?>>()
            .Select(s => ((string)s["name"]!, (string)s["group"]!, (int)s["status"]!, (string)s["description"]!))];

    private static async Task WaitFor(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(await condition());
    }
}
