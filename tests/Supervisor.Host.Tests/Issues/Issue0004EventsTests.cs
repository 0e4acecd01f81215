using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Issues;

/// <summary>
/// Issue 4, events: the sample plugin registers an event type of its own, publishes it, and observes
/// process state changes in-process; an [eventlistener:x] pool (the sample's own listener script)
/// subscribes to the plugin's type by name and receives it.
/// </summary>
public sealed class Issue0004EventsTests
{
    [PythonFact]
    public async Task APluginPublishesItsOwnEventToAListenerAndObservesStateChanges()
    {
        var listener = Path.Combine(TestPaths.RepositoryRoot, "samples", "AnotherRpcInterface", "note_listener.py");
        var config = RunningDaemon.StandardSections + $$"""
            [supervisord]
            plugins = %(here)s/my-plugins

            [rpcinterface:another]
            supervisor.rpcinterface_factory = my.package:make_another_rpcinterface

            [eventlistener:notes]
            command = python3 {{listener}}
            events = another_note
            stderr_logfile = {dir}/notes.log

            [program:sleeper]
            command = /bin/sleep 1000
            autostart = false
            startsecs = 0
            """;
        await using var daemon = await RunningDaemon.StartAsync(config, dir => TestPlugins.InstallSample(dir.File("my-plugins")));
        await daemon.WaitForStateAsync("notes", "RUNNING");

        // Published by the plugin, delivered by the pool: the only event this pool subscribes to, so serial 0.
        Assert.True((await PythonClient.ValueAsync(daemon.UnixUrl, "proxy.another.publishNote('hällo, listeners')")).GetBoolean());
        var notes = daemon.Directory.File("notes.log");
        await SupervisedPrograms.WaitUntilAsync(() => File.Exists(notes) && File.ReadAllText(notes).Contains("ANOTHER_NOTE (serial 0): hällo, listeners", StringComparison.Ordinal), "the note in the listener's log");

        // Observed in-process, in order, after the change is committed.
        await daemon.Unix.ValueAsync("supervisor.startProcess", "sleeper", true);
        List<string> sleeper = [];
        await SupervisedPrograms.WaitUntilAsync(
            () =>
            {
                var changes = PythonClient.ValueAsync(daemon.UnixUrl, "proxy.another.recentStateChanges()").GetAwaiter().GetResult();
                sleeper = [.. changes.EnumerateArray().Select(c => c.GetString()!).Where(c => c.Contains("processname:sleeper ", StringComparison.Ordinal))];
                return sleeper.Count >= 2;
            },
            "the plugin to observe sleeper's start");
        Assert.Equal(
            ["PROCESS_STATE_STARTING processname:sleeper groupname:sleeper from_state:STOPPED tries:0", "PROCESS_STATE_RUNNING processname:sleeper groupname:sleeper from_state:STARTING pid:"],
            sleeper.Select(c => c.StartsWith("PROCESS_STATE_RUNNING", StringComparison.Ordinal) ? c[..(c.IndexOf("pid:", StringComparison.Ordinal) + 4)] : c));
    }
}
