using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;
using Supervisor.Host.Http;
using Supervisor.Host.Logging;
using Supervisor.Host.Platform;
using Supervisor.Host.Plugins;
using Supervisor.Host.Processes;
using Supervisor.Host.Rpc;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host;

/// <summary>
/// The runtime that owns everything: the daemon state, and one "generation" at a time (main log,
/// event bus, plugins, RPC table, HTTP listeners). A restart ends the generation and builds the next
/// from a fresh read of the config, in the same OS process; a shutdown ends it and returns.
/// It is also the <see cref="ISupervisord"/> facade every plugin receives.
/// </summary>
internal sealed class Supervisord : ISupervisord
{
    public const string Version = "4.2.5";
    public const long MaxRequestBytes = 16 * 1024 * 1024;

    private readonly Func<ConfigLoadResult> _readConfig;
    private readonly TextWriter _stdout;
    private readonly TimeProvider _clock;
    private readonly Lock _stateLock = new();
    private readonly ProcessTable _processes;

    // Listener envelopes number events across restarts, like the reference's module-level counter.
    private readonly EventSerials _eventSerials = new();
    private Generation? _current;
    private TaskCompletionSource<SupervisorState> _stopRequested = NewStopSignal();
    private volatile int _state = (int)SupervisorState.Running;

    /// <param name="readConfig">Reads and validates the config file again (for a restart, and for reloadConfig).</param>
    public Supervisord(Func<ConfigLoadResult> readConfig, TextWriter stdout, TimeProvider clock)
    {
        _readConfig = readConfig;
        _processes = new ProcessTable(readConfig);
        _stdout = stdout;
        _clock = clock;
    }

    public string SupervisorVersion => Version;

    public string ApiVersion => "3.0";

    public string Identifier => Current.Settings.Identifier;

    public int Pid { get; } = Environment.ProcessId;

    public SupervisorState State => (SupervisorState)_state;

    public IMainLog MainLog => Current.Log;

    public ISupervisorConfig Config => Current.Config;

    public IProcessTable Processes => _processes;

    public IEventBus Events => Current.Events;

    /// <summary>Completes once the first generation is serving (or has failed to start).</summary>
    public Task Started => _started.Task;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Generation Current => _current ?? throw new InvalidOperationException("the daemon is not running");

    public void RequestShutdown() => RequestStop(SupervisorState.Shutdown, null);

    public void RequestRestart() => RequestStop(SupervisorState.Restarting, null);

    /// <summary>A signal's request: never a fault, just a log line (a second SIGTERM while stopping is harmless).</summary>
    public void RequestStopFromSignal(SupervisorState target, string signalName)
    {
        var what = target == SupervisorState.Shutdown ? "exit" : "restart";
        _current?.Log.Write(LogLevel.Warn, $"received {signalName} indicating {what} request");
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
            generation.Log.Write(LogLevel.Info, "received SIGUSR2 indicating log reopen request");
            generation.Log.Reopen();
            generation.Log.Write(LogLevel.Info, "supervisord logreopen");
            generation.Engine?.ReopenLogs();
        }
    }

    /// <summary>A CRIT line in the current main log; throws <see cref="InvalidOperationException"/> when there is none.</summary>
    public void LogCritical(string text) => Current.Log.Write(LogLevel.Critical, text);

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
                await Console.Error.WriteLineAsync($"Error: {e.Message}");
                await Console.Error.WriteLineAsync($"For help, use {Environment.GetCommandLineArgs()[0]} -h");
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
                await Console.Error.WriteAsync(ConfigErrorFormatter.Format(reread.Errors, Environment.GetCommandLineArgs()[0]));
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

    private void RequestStop(SupervisorState target, string? reason)
    {
        lock (_stateLock)
        {
            if (State != SupervisorState.Running)
            {
                throw new RpcFaultException(FaultCode.ShutdownState);
            }

            if (reason is not null)
            {
                _current?.Log.Write(LogLevel.Warn, reason);
            }

            _state = (int)target;
            _stopRequested.TrySetResult(target);
        }
    }

    private async Task<Generation> StartGenerationAsync(RuntimeSettings settings)
    {
        var echo = settings.NoDaemon && !settings.Silent ? _stdout : null;
        MainLog log;
        try
        {
            log = new MainLog(settings.LogFile, settings.LogLevel, settings.LogMaxBytes, settings.LogBackups, echo, _clock);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"could not open the log file {settings.LogFile}: {e.Message}");
        }

        var generation = new Generation(settings, log, new EventBus(log), new ConfigView(settings.ConfigFile, settings.Sections));
        _current = generation;

        // The listeners open alongside plugin loading and engine set-up (Kestrel's start is tens of
        // milliseconds, mostly type loading, and this machine has other cores); a request that arrives
        // early waits for `ready`, which completes once the RPC dispatcher exists.
        var ready = new TaskCompletionSource<RpcDispatcher>(TaskCreationOptions.RunContinuationsAsynchronously);
        var opening = Task.CompletedTask;
        try
        {
            if (Native.GetUid() == 0 && settings.UserIds is null)
            {
                log.Write(LogLevel.Critical, "Supervisor is running as root.  Privileges were not dropped because no user is specified in the config file.  If you intend to run as root, you can set user=root in the config file to avoid this message.");
            }

            foreach (var (level, text) in settings.Notices)
            {
                log.Write(level, text);
            }

            // Hands back what a launch or a request flood made the GC commit (engine settle, HTTP quiet).
            var trimmer = new MemoryTrimmer();
            if (settings.Listeners.Count > 0)
            {
                var handler = new HttpPipeline(ready.Task, log, XmlRpcLimits.Default, MaxRequestBytes, new BodyBudget(BodyBudget.DefaultCapacity), XmlRpcEndpoint.DefaultBodyTimeout, _processes, trimmer);
                var http = new HttpServer(settings.Listeners, handler, log, trimmer);
                generation.Http = http;
                opening = Task.Run(() => http.StartAsync(CancellationToken.None));
            }

            var services = new HostServices()
                .Add<ISupervisord>(this)
                .Add<IMainLog>(log)
                .Add<IEventBus>(generation.Events)
                .Add<IProcessTable>(_processes)
                .Add<ISupervisorConfig>(generation.Config)
                .Add(_clock);
            generation.Plugins = new PluginHost(new PluginCatalog(PluginFolders(settings)), this, services, log);
            var namespaces = new List<(string, object)>();
            foreach (var section in settings.RpcInterfaces)
            {
                try
                {
                    var plugin = generation.Plugins.Create(section.Section, section.Factory, section.Keys);
                    namespaces.Add((plugin.Name, plugin.Target));
                }
                catch (PluginLoadException e)
                {
                    log.Write(LogLevel.Warn, e.InnerException is null ? e.Message : $"{e.Message}\n{e.InnerException}");
                    throw new StartupException(e.Message);
                }
            }

            if (settings.Config is { } config)
            {
                // Groups are active before the first request is served; children start once we serve.
                // Pools may name event types that plugins registered in their factories, so they are checked now.
                if (generation.Events.Types.UnknownInPools(config.Groups) is { Count: > 0 } unknownTypes)
                {
                    throw new StartupException(string.Join("\n", unknownTypes));
                }

                var engine = new ProcessEngine(config, log, generation.Events, _eventSerials, ChildEnvironmentBase(), ServerUrl(settings.Listeners), trimmer);
                generation.Engine = engine;
                engine.Activate();
                _processes.Attach(engine);
            }

            RpcDispatcher? dispatcher = null;
            RpcRegistry registry;
            try
            {
                registry = new RpcRegistry(namespaces, r => new SystemNamespace(r, () => dispatcher!));
            }
            catch (RpcDeclarationException e)
            {
                throw new StartupException(e.Message);
            }

            dispatcher = new RpcDispatcher(registry, log);
            generation.Dispatcher = dispatcher;
            await ListenersOpenedAsync(opening);
            ready.SetResult(dispatcher);
            generation.Http?.WarnAboutOpenListeners();

            WritePidFile(settings, log);
            log.Write(LogLevel.Info, $"supervisord started with pid {Pid}");
            generation.Events.Publish(new SupervisorEvent("SUPERVISOR_STATE_CHANGE_RUNNING", ""));
            generation.Engine?.Run();
            return generation;
        }
        catch
        {
            ready.TrySetCanceled();
            _processes.Attach(null);

            // The listeners were opening alongside: wait for them before closing them. One that could not
            // open is the error to report, as the reference opens its servers before it loads any plugin.
            await opening.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await generation.DisposeAsync();
            if (opening.Exception?.InnerException is HttpServerException refused)
            {
                throw new StartupException(refused.Message);
            }

            throw;
        }
    }

    /// <summary>Waits for the listeners; one that could not open is a start-up error with the server's message.</summary>
    private static async Task ListenersOpenedAsync(Task opening)
    {
        try
        {
            await opening;
        }
        catch (HttpServerException e)
        {
            throw new StartupException(e.Message);
        }
    }

    /// <summary>The daemon's own environment, which every child starts from (minus our detach marker).</summary>
    private static Dictionary<string, string> ChildEnvironmentBase()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        environment.Remove(Program.DetachedMarker);
        return environment;
    }

    /// <summary>
    /// <c>SUPERVISOR_SERVER_URL</c> for children (processes.md §5.2 step 4): the first unix socket, else the
    /// last TCP listener with <c>localhost</c> for "all interfaces", else none.
    /// </summary>
    internal static string? ServerUrl(IReadOnlyList<ListenerConfig> listeners)
    {
        if (listeners.OfType<UnixListenerConfig>().FirstOrDefault() is { } unix)
        {
            return "unix://" + Path.GetFullPath(unix.Path);
        }

        if (listeners.OfType<InetListenerConfig>().LastOrDefault() is { } inet)
        {
            var host = inet.Host is "" or "*" ? "localhost" : inet.Host;
            return $"http://{host}:{inet.Port}";
        }

        return null;
    }

    private static IEnumerable<string> PluginFolders(RuntimeSettings settings)
    {
        if (settings.PluginsFolder is not null)
        {
            yield return settings.PluginsFolder;
        }

        yield return Path.Combine(AppContext.BaseDirectory, "plugins");
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
            log.Write(LogLevel.Critical, $"could not write pidfile {settings.PidFile}");
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

    /// <summary>Everything that lives from one start (or restart) to the next.</summary>
    private sealed class Generation(RuntimeSettings settings, MainLog log, EventBus events, ConfigView config) : IAsyncDisposable
    {
        public RuntimeSettings Settings { get; } = settings;

        public MainLog Log { get; } = log;

        public EventBus Events { get; } = events;

        public ConfigView Config { get; } = config;

        public PluginHost? Plugins { get; set; }

        public RpcDispatcher? Dispatcher { get; set; }

        public HttpServer? Http { get; set; }

        public ProcessEngine? Engine { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Engine is not null)
            {
                await Engine.DisposeAsync();
            }

            if (Http is not null)
            {
                await Http.DisposeAsync();
            }

            await Events.DisposeAsync();
            Plugins?.Dispose();
            Log.Dispose();
        }
    }
}

/// <summary>A start-up failure; printed as the reference prints usage errors, exit status 2.</summary>
internal sealed class StartupException(string message) : Exception(message);

/// <summary>The configuration as plugins see it.</summary>
internal sealed class ConfigView(string configFile, IReadOnlyList<ConfigSection> sections) : ISupervisorConfig
{
    public string ConfigFile { get; } = configFile;

    public IReadOnlyList<ConfigSection> Sections { get; } = sections;

    public ConfigSection? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);
}
