using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;
using Supervisor.Host.Facade;
using Supervisor.Host.Http;
using Supervisor.Host.Logging;
using Supervisor.Host.Platform;
using Supervisor.Host.Plugins;
using Supervisor.Host.Processes;
using Supervisor.Host.Processes.Spawning;
using Supervisor.Host.Rpc;
using Supervisor.Host.Web;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host;

/// <summary>
/// Everything that lives from one start (or restart) of the daemon to the next: the main log, the event
/// bus, the plugins, the RPC table, the HTTP listeners and the process engine, read from one config.
/// <see cref="Open"/> builds them in the reference's order; <see cref="Supervisord"/> decides when a
/// generation begins and ends.
/// </summary>
internal sealed class Generation : IAsyncDisposable
{
    private Generation(RuntimeSettings settings, MainLog log)
    {
        Settings = settings;
        Log = log;
        LogFacade = new MainLogFacade(log);
        Events = new EventBus(LogFacade);
        Config = new ConfigView(settings.ConfigFile, settings.Sections);
        Loggers = new MainLogLoggerFactory(LogFacade);
    }

    public RuntimeSettings Settings { get; }

    public MainLog Log { get; }

    /// <summary>The main log as everyone else sees it (<see cref="IMainLog"/>).</summary>
    public IMainLog LogFacade { get; }

    public EventBus Events { get; }

    public ConfigView Config { get; }

    /// <summary>What plugins are given (<see cref="HostServices"/>), built once the facade exists.</summary>
    public HostServices? Services { get; private set; }

    /// <summary><see cref="ILogger"/>s for plugins and Kestrel.</summary>
    public ILoggerFactory Loggers { get; }

    public PluginHost? Plugins { get; private set; }

    /// <summary>Watches the plugin folders of sections with hot reload on; null when none has it.</summary>
    public PluginHotReload? HotReload { get; private set; }

    public RpcDispatcher? Dispatcher { get; private set; }

    public HttpServer? Http { get; private set; }

    public ProcessEngine? Engine { get; private set; }

    /// <summary>Opens the main log; the rest is built by <see cref="StartAsync"/>.</summary>
    /// <exception cref="StartupException">The log file cannot be opened.</exception>
    public static Generation Open(RuntimeSettings settings, TextWriter stdout, TimeProvider clock)
    {
        var echo = settings.NoDaemon && !settings.Silent ? stdout : null;
        try
        {
            return new Generation(settings, new MainLog(settings.LogFile, settings.LogLevel, settings.LogMaxBytes, settings.LogBackups, echo, clock));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"could not open the log file {settings.LogFile}: {e.Message}");
        }
    }

    /// <summary>
    /// Builds and starts everything but the engine's loop: listeners (alongside plugin loading and engine
    /// set-up), plugins, groups, the RPC table; returns once the listeners serve. On failure everything
    /// built so far is disposed.
    /// </summary>
    /// <exception cref="StartupException">Something could not start; the message says what.</exception>
    public async Task StartAsync(ISupervisord facade, ProcessTableFacade processes, EventSerials serials, TimeProvider clock)
    {
        var settings = Settings;
        var log = LogFacade;

        // The listeners open alongside plugin loading and engine set-up (Kestrel's start is tens of
        // milliseconds, mostly type loading, and this machine has other cores); a request that arrives
        // early waits for `ready`, which completes once the RPC dispatcher exists.
        var ready = new TaskCompletionSource<RpcDispatcher>(TaskCreationOptions.RunContinuationsAsynchronously);
        var opening = Task.CompletedTask;
        RpcDispatcher? dispatcher = null;
        try
        {
            if (Native.GetUid() == 0 && settings.UserIds is null)
            {
                log.Write(MainLogLevel.Critical, "Supervisor is running as root.  Privileges were not dropped because no user is specified in the config file.  If you intend to run as root, you can set user=root in the config file to avoid this message.");
            }

            foreach (var (level, text) in settings.Notices)
            {
                log.Write(level, text);
            }

            // Before the HTTP servers count the descriptors in use (their connection reserve): the spawner holds one.
            LeanSpawnThread.StartEarly();

            // Hands back what a launch or a request flood made the GC commit (engine settle, HTTP quiet).
            var trimmer = new MemoryTrimmer(clock);
            var web = new WebInterface(ready.Task, WebAssets(settings), settings.Identifier, clock, Events);
            if (settings.Listeners.Count > 0)
            {
                var handler = new HttpPipeline(ready.Task, log, XmlRpcLimits.Default, BodyBudget.MaxBodyBytes, new BodyBudget(BodyBudget.DefaultCapacity), XmlRpcEndpoint.DefaultBodyTimeout, processes, trimmer, web.Routes);
                var http = new HttpServer(settings.Listeners, handler, log, trimmer, Loggers);
                Http = http;
                opening = Task.Run(() => http.StartAsync(CancellationToken.None));
            }

            Services = new HostServices(facade, log, Events, processes, Config, web.Plugins, clock, Loggers);
            Plugins = new PluginHost(new PluginCatalog(PluginFolders(settings)), facade, Services, log);
            var registry = BuildRegistry(settings, Plugins, log, () => dispatcher!);

            if (settings.Config is { } config)
            {
                // Groups are active before the first request is served; children start once we serve.
                // Pools may name event types that plugins registered in their factories, so they are checked now.
                if (Events.Types.UnknownInPools(config.Groups) is { Count: > 0 } unknownTypes)
                {
                    throw new StartupException(string.Join("\n", unknownTypes));
                }

                var engine = new ProcessEngine(config, log, Events, serials, ChildEnvironmentBase(), ServerUrl(settings.Listeners), trimmer, clock);
                Engine = engine;
                engine.Activate();
                processes.Attach(engine);
            }

            dispatcher = new RpcDispatcher(registry, log);
            Dispatcher = dispatcher;
            await ListenersOpenedAsync(opening);
            ready.SetResult(dispatcher);
            Http?.WarnAboutOpenListeners();
        }
        catch
        {
            ready.TrySetCanceled();
            processes.Attach(null);

            // The listeners were opening alongside: wait for them before closing them. One that could not
            // open is the error to report, as the reference opens its servers before it loads any plugin.
            await opening.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await DisposeAsync();
            if (opening.Exception?.InnerException is HttpServerException refused)
            {
                throw new StartupException(refused.Message);
            }

            throw;
        }
    }

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
        HotReload?.Dispose();
        Plugins?.Dispose();
        if (Services is not null)
        {
            await Services.DisposeAsync();
        }

        Loggers.Dispose();

        Log.Dispose();
    }

    /// <summary>The web interface's templates and files, the operator's <c>web_templates</c> folder first.</summary>
    /// <exception cref="StartupException">A template does not parse or cannot be read.</exception>
    private static Web.WebAssets WebAssets(RuntimeSettings settings)
    {
        try
        {
            return settings.WebTemplatesFolder is null ? Web.WebAssets.Embedded : Web.WebAssets.Load(settings.WebTemplatesFolder);
        }
        catch (WebTemplateException e)
        {
            throw new StartupException(e.Message);
        }
    }

    /// <summary>
    /// <c>SUPERVISOR_SERVER_URL</c> for children (Supervisor's <c>supervisor/process.py</c>,
    /// <c>Subprocess._spawn_as_child</c>, from <c>options.serverurl</c>): the first unix socket, else the last
    /// TCP listener with <c>localhost</c> for "all interfaces", else none.
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
        InlineSocketCompletions.HideFrom(environment);
        return environment;
    }

    /// <summary>
    /// Makes every <c>[rpcinterface:x]</c> namespace and the RPC table. Every problem of every plugin is
    /// collected first (a section that cannot be made, each method that cannot be exposed), as config errors
    /// are, and reported together: one <c>Error:</c> line each, naming the section. A namespace that exposes
    /// nothing is only a warning.
    /// </summary>
    /// <exception cref="StartupException">At least one plugin problem; the message has them one per line.</exception>
    private RpcRegistry BuildRegistry(RuntimeSettings settings, PluginHost plugins, IMainLog log, Func<RpcDispatcher> dispatcher)
    {
        var problems = new List<string>();
        var namespaces = new List<(string, object)>();
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        var hotReload = new List<(RpcInterfaceSection, PluginNamespace)>();
        foreach (var section in settings.RpcInterfaces)
        {
            try
            {
                var reload = HotReloadWanted(section);
                var plugin = plugins.Create(section.Section, section.Factory, section.Keys);
                namespaces.Add((plugin.Name, plugin.Target));
                sections[plugin.Name] = section.Section;
                if (reload)
                {
                    hotReload.Add((section, plugin));
                }
            }
            catch (PluginLoadException e)
            {
                log.Write(MainLogLevel.Warn, e.InnerException is null ? e.Message : $"{e.Message}\n{e.InnerException}");
                problems.Add(e.Message);
            }
        }

        RpcRegistry? registry = null;
        try
        {
            registry = new RpcRegistry(namespaces, r => new SystemNamespace(r, dispatcher), hotReload.Select(p => p.Item2.Name).ToHashSet(StringComparer.Ordinal));
        }
        catch (RpcDeclarationException e)
        {
            foreach (var problem in e.Problems)
            {
                var text = sections.TryGetValue(problem.Namespace, out var section) ? $"[{section}] {problem.Text}" : problem.Text;
                log.Write(MainLogLevel.Warn, text);
                problems.Add(text);
            }
        }

        if (problems.Count > 0)
        {
            throw new StartupException(string.Join("\n", problems));
        }

        foreach (var (name, target) in namespaces)
        {
            if (registry!.CountIn(name) == 0)
            {
                log.Write(MainLogLevel.Warn, $"[{sections[name]}] RPC interface '{name}' exposes no methods: {target.GetType().FullName} has no public method marked [RpcMethod]");
            }
        }

        if (hotReload.Count > 0)
        {
            HotReload = new PluginHotReload(plugins, registry!, log, hotReload);
        }

        return registry!;
    }

    /// <summary><c>supervisor.hot_reload</c> of an <c>[rpcinterface:x]</c> section, read as Supervisor reads a boolean.</summary>
    private static bool HotReloadWanted(RpcInterfaceSection section)
    {
        if (!section.Keys.TryGetValue(PluginHost.HotReloadKey, out var text))
        {
            return false;
        }

        var parsed = ConfigValues.Boolean(text);
        return parsed.IsOk ? parsed.Value : throw new PluginLoadException(section.Section, PluginHost.HotReloadKey, parsed.Error!);
    }

    private static IEnumerable<string> PluginFolders(RuntimeSettings settings)
    {
        if (settings.PluginsFolder is not null)
        {
            yield return settings.PluginsFolder;
        }

        yield return Path.Combine(AppContext.BaseDirectory, "plugins");
    }
}
