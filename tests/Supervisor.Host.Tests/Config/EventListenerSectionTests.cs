using Supervisor.Host.Config;
using Supervisor.Host.Events;

namespace Supervisor.Host.Tests.Config;

/// <summary><c>[eventlistener:x]</c> pools (<c>supervisor/options.py</c>, <c>ServerOptions.process_groups_from_parser</c>).</summary>
public sealed class EventListenerSectionTests : IDisposable
{
    private readonly ProcessSectionLoader _loader = new();

    public void Dispose() => _loader.Dispose();

    [Fact]
    public void APoolHasTheReferenceDefaults()
    {
        var group = _loader.LoadOk("[eventlistener:e]\ncommand=listen\nevents=process_state, Tick_5\n").Groups.Single();
        Assert.Equal("e", group.Name);
        Assert.Equal(GroupKind.EventListener, group.Kind);
        Assert.Equal(-1, group.Priority);
        Assert.Equal(new EventListenerPoolConfig(["PROCESS_STATE", "TICK_5"], 10, "supervisor.dispatchers:default_handler"), group.Pool);

        var process = group.Processes.Single();
        Assert.Equal("eventlistener:e", process.Section);
        Assert.Equal("e", process.Name);
        Assert.Equal("listen", process.Command);

        // Checked against the reference (getAllConfigInfo: group_prio -1, process_prio 999): only the
        // pool's priority defaults to -1; the per-process builder keeps the program default.
        Assert.Equal(999, process.Priority);
        Assert.True(process.Stdout.IsAuto);
        Assert.False(process.RedirectStderr);
    }

    [Fact]
    public void PoolKeysAreRead()
    {
        var group = _loader.LoadOk(
            """
            [eventlistener:e]
            command=listen %(process_num)d
            process_name=%(program_name)s_%(process_num)d
            numprocs=2
            events=PROCESS_STATE_RUNNING,PROCESS_STATE_RUNNING,%(ENV_EXTRA)s
            buffer_size=%(ENV_SIZE)s
            result_handler=supervisor.dispatchers:default_handler
            priority=3
            redirect_stderr=false
            """,
            "environment=EXTRA=TICK_60,SIZE=50").Groups.Single();
        Assert.Equal(3, group.Priority);
        Assert.All(group.Processes, p => Assert.Equal(3, p.Priority));
        Assert.Equal(new EventListenerPoolConfig(["PROCESS_STATE_RUNNING", "TICK_60"], 50, "supervisor.dispatchers:default_handler"), group.Pool);
        Assert.Equal(["e_0", "e_1"], group.Processes.Select(p => p.Name));
        Assert.Equal(["listen 0", "listen 1"], group.Processes.Select(p => p.Command));
    }

    [Fact]
    public void EveryEventTypeNameOfSupervisor425IsAccepted()
    {
        string[] names =
        [
            "EVENT", "PROCESS_STATE", "PROCESS_STATE_STOPPED", "PROCESS_STATE_EXITED", "PROCESS_STATE_STARTING",
            "PROCESS_STATE_STOPPING", "PROCESS_STATE_BACKOFF", "PROCESS_STATE_FATAL", "PROCESS_STATE_RUNNING",
            "PROCESS_STATE_UNKNOWN", "PROCESS_COMMUNICATION", "PROCESS_COMMUNICATION_STDOUT", "PROCESS_COMMUNICATION_STDERR",
            "PROCESS_LOG", "PROCESS_LOG_STDOUT", "PROCESS_LOG_STDERR", "REMOTE_COMMUNICATION", "SUPERVISOR_STATE_CHANGE",
            "SUPERVISOR_STATE_CHANGE_RUNNING", "SUPERVISOR_STATE_CHANGE_STOPPING", "TICK", "TICK_5", "TICK_60", "TICK_3600",
            "PROCESS_GROUP", "PROCESS_GROUP_ADDED", "PROCESS_GROUP_REMOVED",
        ];
        var groups = _loader.LoadOk($"[eventlistener:e]\ncommand=x\nevents={string.Join(",", names)}\n").Groups;
        Assert.Equal(names, groups.Single().Pool!.Events);
        Assert.Empty(new EventTypes().UnknownInPools(groups));
        Assert.Equal(names.Order(), EventTypes.BuiltInNames.Order());
    }

    [Fact]
    public void EventsAreRequired()
    {
        // Checked against the reference.
        Assert.Equal(["[eventlistener:e] section requires an \"events\" line"], _loader.Errors("[eventlistener:e]\ncommand=x\n"));
        Assert.Equal(["[eventlistener:e] section requires an \"events\" line"], _loader.Errors("[eventlistener:e]\ncommand=x\nevents=\n"));
    }

    [Fact]
    public void UnknownEventTypesAreNamedUpperCasedOnceThePluginsHaveRegisteredTheirs()
    {
        // Checked against the reference: "Unknown event type FOO in [eventlistener:e] events".
        var groups = _loader.LoadOk("[eventlistener:e]\ncommand=x\nevents=PROCESS_STATE,foo,tick_10,backup_done\n").Groups;
        var types = new EventTypes();
        types.Register("BACKUP_DONE");
        Assert.Equal(
            ["Unknown event type FOO in [eventlistener:e] events", "Unknown event type TICK_10 in [eventlistener:e] events"],
            types.UnknownInPools(groups));
    }

    [Fact]
    public void OnlySupervisorsDefaultResultHandlerCanBeNamed()
    {
        Assert.Equal(
            ["mymodule:handler cannot be resolved within [eventlistener:e] (only supervisor.dispatchers:default_handler is supported)"],
            _loader.Errors("[eventlistener:e]\ncommand=x\nevents=TICK_5\nresult_handler=mymodule:handler\n"));
    }

    [Fact]
    public void BufferSizeMustBeAtLeastOne()
    {
        // Checked against the reference.
        Assert.Equal(["[eventlistener:e] section sets invalid buffer_size (0)"], _loader.Errors("[eventlistener:e]\ncommand=x\nevents=TICK_5\nbuffer_size=0\n"));
        Assert.Equal(["invalid literal for int() with base 10: 'many'"], _loader.Errors("[eventlistener:e]\ncommand=x\nevents=TICK_5\nbuffer_size=many\n"));
    }

    [Fact]
    public void RedirectStderrIsRejected()
    {
        // Checked against the reference.
        Assert.Equal(
            ["[eventlistener:e] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol"],
            _loader.Errors("[eventlistener:e]\ncommand=x\nevents=TICK_5\nredirect_stderr=true\n"));
        Assert.Equal(["not a valid boolean value: 'perhaps'"], _loader.Errors("[eventlistener:e]\ncommand=x\nevents=TICK_5\nredirect_stderr=perhaps\n"));
    }

    [Fact]
    public void PoolKeysKnowOnlyHereAndEnvNames()
    {
        // Checked against the reference (same text, with its own environment's ENV_ names).
        Assert.Equal(
            ["Format string '%(program_name)s' for 'eventlistener:e.priority' contains names ('program_name') which cannot be expanded. Available names: ENV_HOME, ENV_SITE, ENV_TMPDIR, here"],
            _loader.Errors("[eventlistener:e]\ncommand=x\nevents=TICK_5\npriority=%(program_name)s\n"));
    }

    [Fact]
    public void AnInvalidListenerNameIsWrapped()
    {
        // Checked against the reference: only the per-process builder checks a listener's name.
        Assert.Equal(
            ["Invalid name: 'bad name' because of character: ' '" + _loader.Wrap("eventlistener:bad name")],
            _loader.Errors("[eventlistener:bad name]\ncommand=x\nevents=TICK_5\n"));
    }

    [Fact]
    public void PerProcessErrorsAndWarningsNameTheListenerSection()
    {
        Assert.Equal(
            ["program section eventlistener:e does not specify a command" + _loader.Wrap("eventlistener:e")],
            _loader.Errors("[eventlistener:e]\nevents=TICK_5\n"));
        var result = _loader.Load("[eventlistener:e]\ncommand=x\nevents=TICK_5\nstdout_logfile_maxbytes=0\n");
        Assert.Equal(
            ["For [eventlistener:e], AUTO logging used for stdout_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally"],
            result.Messages.Select(m => m.Text));
    }

    [Fact]
    public void ListenerEnvironmentIsMergedLikeAPrograms()
    {
        var process = _loader.LoadOk("[eventlistener:e]\ncommand=x\nevents=TICK_5\nenvironment=B=own\n", "environment=A=global,B=global")
            .Groups.Single().Processes.Single();
        Assert.Equal(new Dictionary<string, string> { ["A"] = "global", ["B"] = "own" }, process.Environment.ToDictionary());
    }
}
