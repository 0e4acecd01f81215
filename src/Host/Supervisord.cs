using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;
using Supervisor.Host.Facade;

namespace Supervisor.Host;

/// <summary>
/// The daemon's lifecycle: one <see cref="Generation"/> at a time (main log, event bus, plugins, RPC table,
/// HTTP listeners, engine). A restart ends the generation and builds the next from a fresh read of the
/// config, in the same OS process; a shutdown ends it and returns. It owns the daemon's state, the pidfile
/// and the answers to signals; plugins see it through <see cref="SupervisordFacade"/>.
/// </summary>
internal sealed class Supervisord : IDaemonLifecycle
{
    public const string Version = SupervisordFacade.Version;

    private readonly Func<ConfigLoadResult> _readConfig;
    private readonly TextWriter _stdout;
    private readonly TimeProvider _clock;
    private readonly Lock _stateLock = new();
    private readonly ProcessTableFacade _processes;

    // Listener envelopes number events across restarts, like the reference's module-level counter.
    private readonly EventSerials _eventSerials = new();
    private Generation? _current;
    private TaskCompletionSource<SupervisorState> _stopRequested = NewStopSignal();
    private volatile int _state = (int)SupervisorState.Running;

    /// <param name="readConfig">Reads and validates the config file again (for a restart, and for reloadConfig).</param>
    public Supervisord(Func<ConfigLoadResult> readConfig, TextWriter stdout, TimeProvider clock)
    {
        _readConfig = readConfig;
        _processes = new ProcessTableFacade(readConfig);
        _stdout = stdout;
        _clock = clock;
        Facade = new SupervisordFacade(this);
    }

    /// <summary>What plugins see of the daemon.</summary>
    public SupervisordFacade Facade { get; }

    public int Pid { get; } = Environment.ProcessId;

    public SupervisorState State => (SupervisorState)_state;

    public IProcessTable Processes => _processes;

    string IDaemonLifecycle.Identifier => Current.Settings.Identifier;

    IMainLog IDaemonLifecycle.MainLog => Current.LogFacade;

    ISupervisorConfig IDaemonLifecycle.Config => Current.Config;

    IEventBus IDaemonLifecycle.Events => Current.Events;

    /// <summary>The generation now running (or starting); throws when there is none.</summary>
    public Generation Current => _current ?? throw new InvalidOperationException("the daemon is not running");

    /// <summary>Completes once the first generation is serving (or has failed to start).</summary>
    public Task Started => _started.Task;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);


    /// <summary>A signal's request: never a fault, just a log line (a second SIGTERM while stopping is harmless).</summary>
    public void RequestStopFromSignal(SupervisorState target, string signalName)
    {
        var what = target == SupervisorState.Shutdown ? "exit" : "restart";
        _current?.Log.Write(MainLogLevel.Warn, $"received {signalName} indicating {what} request");
        lock (_stateLock)
        {
            if (State == SupervisorState.Running)
            {
                _state = (int)target;
                _stopRequested.TrySetResult(target);
            }
        }
    }

    /// <summary>SIGUSR2: reopen the main log.</summary>
    public void ReopenLogs()
    {
        if (_current is { } generation)
        {
            generation.Log.Write(MainLogLevel.Info, "received SIGUSR2 indicating log reopen request");
            generation.Log.Reopen();
            generation.Log.Write(MainLogLevel.Info, "supervisord logreopen");
            generation.Engine?.ReopenLogs();
        }
    }

    /// <summary>A CRIT line in the current main log; throws <see cref="InvalidOperationException"/> when there is none.</summary>
    public void LogCritical(string text) => Current.Log.Write(MainLogLevel.Critical, text);

    /// <summary>The process is ending on an exception nothing caught: remove what a stopped daemon leaves no trace of.</summary>
    public void CleanUpAfterCrash()
    {
        if (_current is { } generation)
        {
            generation.Http?.RemoveSocketFiles();
            DeletePidFile(generation.Settings);
        }
    }

    /// <summary>Runs generations until a shutdown. Returns the process exit code.</summary>
    public async Task<int> RunAsync(RuntimeSettings settings)
    {
        while (true)
        {
            Generation generation;
            try
            {
                generation = await StartGenerationAsync(settings);
            }
            catch (StartupException e)
            {
                DeletePidFile(settings);
                _started.TrySetException(e);
                // One line per problem (every plugin's problems are collected), as config errors are printed.
                await Console.Error.WriteAsync(ConfigErrorFormatter.Format(e.Message.Split('\n').Select(line => new ConfigError(null, null, line)), Program.CommandName()));
                return 2;
            }

            _current = generation;
            _started.TrySetResult();
            var outcome = await _stopRequested.Task;
            generation.Events.Publish(new SupervisorEvent("SUPERVISOR_STATE_CHANGE_STOPPING", ""));
            if (generation.Engine is { } engine)
            {
                // Every child is stopped (priority order, stop signals, SIGKILL escalation) before anything closes.
                await engine.StopAllAsync();
            }

            _processes.Attach(null);
            await generation.DisposeAsync();
            if (outcome == SupervisorState.Shutdown)
            {
                DeletePidFile(settings);
                return 0;
            }

            var reread = _readConfig();
            if (!reread.Succeeded)
            {
                await Console.Error.WriteAsync(ConfigErrorFormatter.Format(reread.Errors, Program.CommandName()));
                DeletePidFile(settings);
                return 2;
            }

            settings = ConfigMapping.ToRuntimeSettings(reread.Config!, reread.Messages);
            lock (_stateLock)
            {
                _stopRequested = NewStopSignal();
                _state = (int)SupervisorState.Running;
            }
        }
    }

    /// <summary>A shutdown or restart asked for over RPC; false when one is already under way.</summary>
    public bool TryRequestStop(SupervisorState target)
    {
        lock (_stateLock)
        {
            if (State != SupervisorState.Running)
            {
                return false;
            }

            _state = (int)target;
            _stopRequested.TrySetResult(target);
            return true;
        }
    }

    /// <summary>
    /// Opens a generation, makes it current (plugin factories already see it), starts it, then does what
    /// a started daemon does: pidfile, the "started" line, the RUNNING event, the engine's loop.
    /// </summary>
    private async Task<Generation> StartGenerationAsync(RuntimeSettings settings)
    {
        var generation = Generation.Open(settings, _stdout, _clock);
        _current = generation;
        await generation.StartAsync(Facade, _processes, _eventSerials, _clock);

        WritePidFile(settings, generation.LogFacade);
        generation.Log.Write(MainLogLevel.Info, $"supervisord started with pid {Pid}");
        generation.Events.Publish(new SupervisorEvent("SUPERVISOR_STATE_CHANGE_RUNNING", ""));
        generation.Engine?.Run();
        return generation;
    }

    private void WritePidFile(RuntimeSettings settings, IMainLog log)
    {
        if (settings.PidFile is null)
        {
            return;
        }

        try
        {
            File.WriteAllText(settings.PidFile, $"{Pid}\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Write(MainLogLevel.Critical, $"could not write pidfile {settings.PidFile}");
        }
    }

    /// <summary>Removes the pidfile if it is ours: a daemon that failed to start must not remove a running one's.</summary>
    private void DeletePidFile(RuntimeSettings settings)
    {
        if (settings.PidFile is null)
        {
            return;
        }

        try
        {
            if (File.Exists(settings.PidFile) && File.ReadAllText(settings.PidFile).Trim() == Pid.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                File.Delete(settings.PidFile);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing we may clean up.
        }
    }

    private static TaskCompletionSource<SupervisorState> NewStopSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A start-up failure; printed as the reference prints usage errors, exit status 2.</summary>
internal sealed class StartupException(string message) : Exception(message);
