using System.Reflection;
using McMaster.NETCore.Plugins;
using Supervisor.Abstractions;

namespace Supervisor.Host.Plugins;

/// <summary>One namespace made by a factory: its wire name, the object serving it and where it came from.</summary>
internal sealed record PluginNamespace(string Name, object Target, string AssemblyPath)
{
    /// <summary>The loader the namespace's plugin came through (shared by the sections of one plugin).</summary>
    internal PluginLoader? Loader { get; init; }
}

/// <summary>
/// Turns <c>[rpcinterface:x]</c> sections into namespace objects, one per section (shared by every
/// listener), each plugin assembly through its own McMaster <see cref="PluginLoader"/>: a collectible
/// load context that resolves the plugin's dependencies (managed and native) from its folder through its
/// <c>.deps.json</c>, shares only the contracts with the host, and reads every file into memory, so the
/// plugin's folder can be replaced or rebuilt at any time and the next restart loads the new build.
/// Disposing disposes the namespace objects that are disposable, then unloads every context; a restart
/// builds a fresh host.
/// </summary>
internal sealed class PluginHost(PluginCatalog catalog, ISupervisord supervisord, IServiceProvider services, IMainLog log) : IDisposable
{
    /// <summary>The section key that opts a namespace into hot reload (README, "Updating a plugin"); not passed to the factory.</summary>
    public const string HotReloadKey = "supervisor.hot_reload";

    /// <summary>Assemblies that define types crossing the host/plugin boundary: always the host's copy, so a plugin's <c>ISupervisord</c> is the host's.</summary>
    internal static readonly IReadOnlyList<string> SharedAssemblies =
    [
        "Supervisor.Abstractions",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Logging.Abstractions",
        // IConfiguration, which a factory parameter receives its section's keys as.
        "Microsoft.Extensions.Configuration.Abstractions",
    ];

    private readonly Dictionary<string, PluginLoader> _loaders = new(StringComparer.Ordinal);
    private readonly List<PluginNamespace> _namespaces = [];
    private PluginCatalog _catalog = catalog;

    /// <summary>Makes the namespace for one section; throws <see cref="PluginLoadException"/> naming section, key and cause.</summary>
    public PluginNamespace Create(string section, string? factorySpecText, IReadOnlyDictionary<string, string> keys)
    {
        var plugin = CreateIn(_loaders, section, factorySpecText, keys);
        lock (_namespaces)
        {
            _namespaces.Add(plugin);
        }

        return plugin;
    }

    /// <summary>
    /// New versions of <paramref name="sections"/> for a hot reload: the plugin folders are read again and
    /// each plugin gets a new loader. Nothing serves them until <see cref="Commit"/>; on failure whatever
    /// was made is released and the exception passes.
    /// </summary>
    /// <exception cref="PluginLoadException">A section cannot be made; names it and the cause.</exception>
    public IReadOnlyList<PluginNamespace> CreateFresh(IEnumerable<(string Section, string? Factory, IReadOnlyDictionary<string, string> Keys)> sections)
    {
        _catalog = new PluginCatalog(_catalog.Folders);
        var loaders = new Dictionary<string, PluginLoader>(StringComparer.Ordinal);
        var made = new List<PluginNamespace>();
        try
        {
            foreach (var (section, factory, keys) in sections)
            {
                made.Add(CreateIn(loaders, section, factory, keys));
            }

            return made;
        }
        catch
        {
            Release(made, loaders.Values);
            throw;
        }
    }

    /// <summary>The fresh versions now serve: they replace the old ones among what this host releases at the end.</summary>
    public void Commit(IReadOnlyList<PluginNamespace> fresh, IReadOnlyList<PluginNamespace> old)
    {
        lock (_namespaces)
        {
            _namespaces.RemoveAll(old.Contains);
            _namespaces.AddRange(fresh);
            foreach (var plugin in fresh)
            {
                _loaders[plugin.AssemblyPath] = plugin.Loader!;
            }
        }
    }

    /// <summary>
    /// Disposes namespaces no longer served and unloads their loaders. Returns weak references to the load
    /// contexts, so a caller can tell whether they were really collected.
    /// </summary>
    public IReadOnlyList<WeakReference> Release(IReadOnlyList<PluginNamespace> old) =>
        Release(old, old.Select(n => n.Loader).OfType<PluginLoader>().Distinct());

    private List<WeakReference> Release(IEnumerable<PluginNamespace> namespaces, IEnumerable<PluginLoader> loaders)
    {
        foreach (var plugin in namespaces)
        {
            DisposeTarget(plugin);
        }

        var references = new List<WeakReference>();
        foreach (var loader in loaders)
        {
            references.Add(new WeakReference(loader.LoadContext));
            loader.Dispose();
        }

        return references;
    }

    private PluginNamespace CreateIn(Dictionary<string, PluginLoader> loaders, string section, string? factorySpecText, IReadOnlyDictionary<string, string> keys)
    {
        try
        {
            return Make(loaders, section, factorySpecText, keys);
        }
        catch (Exception e) when (e is not PluginLoadException)
        {
            // Reflecting over a plugin can fail late (a type whose base or field type is in a missing
            // dependency): still this section's error, never the daemon's crash.
            throw new PluginLoadException(section, FactorySpec.Key, $"{factorySpecText} cannot be loaded: {e.GetType().Name}: {e.Message}", e);
        }
    }

    private PluginNamespace Make(Dictionary<string, PluginLoader> loaders, string section, string? factorySpecText, IReadOnlyDictionary<string, string> keys)
    {
        var name = section[(section.IndexOf(':') + 1)..];
        if (factorySpecText is null)
        {
            throw new PluginLoadException(section, null, $"section [{section}] does not specify a {FactorySpec.Key}");
        }

        if (!FactorySpec.TryParse(factorySpecText, out var spec))
        {
            throw new PluginLoadException(section, FactorySpec.Key, $"'{factorySpecText}' is not of the form Type.Full.Name:method");
        }

        var current = _catalog;
        var found = current.Find(spec.TypeName)
            ?? throw new PluginLoadException(section, FactorySpec.Key,
                $"{factorySpecText} cannot be resolved within [{section}]: no plugin assembly defines a public type '{spec.TypeName}' (searched {string.Join(", ", current.Folders.DefaultIfEmpty("no plugin folder"))}){Unreadable()}");

        var (assembly, loader) = LoadAssembly(loaders, section, found.AssemblyPath);
        var type = assembly.GetType(found.TypeName)
            ?? throw new PluginLoadException(section, FactorySpec.Key, $"{factorySpecText} cannot be resolved within [{section}]: type '{found.TypeName}' did not load from {found.AssemblyPath}");
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == spec.MethodName || PythonNames.SameWords(spec.MethodName, m.Name))
            .ToList();
        if (candidates.Count == 0)
        {
            throw new PluginLoadException(section, FactorySpec.Key, $"{factorySpecText} cannot be resolved within [{section}]: {type.FullName} has no public static method '{spec.MethodName}'");
        }

        if (candidates.Count > 1)
        {
            throw new PluginLoadException(section, FactorySpec.Key, $"{factorySpecText} is ambiguous within [{section}]: {type.FullName} has {candidates.Count} overloads of '{candidates[0].Name}'");
        }

        var keysForFactory = keys.Where(k => k.Key is not FactorySpec.Key and not HotReloadKey).ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
        var target = FactoryInvoker.Invoke(section, candidates[0], supervisord, keysForFactory, services);
        log.Write(MainLogLevel.Debug, $"RPC interface '{name}' made by {FactoryInvoker.Describe(candidates[0])} from {found.AssemblyPath}");
        log.Write(MainLogLevel.Info, $"RPC interface '{name}' initialized");
        return new PluginNamespace(name, target, found.AssemblyPath) { Loader = loader };
    }

    /// <summary>
    /// Unloads every plugin context. Returns weak references to the contexts so a caller can tell
    /// whether they were really collected (a plugin that pins itself, e.g. through a reflection
    /// cache, is only "disabled until restart").
    /// </summary>
    public IReadOnlyList<WeakReference> Unload()
    {
        // Namespaces that hold resources get to release them first; one that fails is logged, not fatal.
        List<PluginNamespace> namespaces;
        List<PluginLoader> loaders;
        lock (_namespaces)
        {
            namespaces = [.. _namespaces];
            loaders = [.. _loaders.Values];
            _namespaces.Clear();
            _loaders.Clear();
        }

        return Release(namespaces, loaders);
    }

    public void Dispose() => Unload();

    private void DisposeTarget(PluginNamespace plugin)
    {
        try
        {
            switch (plugin.Target)
            {
                case IAsyncDisposable asyncDisposable:
                    asyncDisposable.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        catch (Exception e)
        {
            log.Write(MainLogLevel.Error, $"RPC interface '{plugin.Name}' failed to dispose: {e}");
        }
    }

    /// <summary>
    /// Loads the plugin's main assembly. Whatever goes wrong (a damaged or truncated file, a file replaced
    /// while it was read, a bad signature, a missing dependency) is the same error naming the section and
    /// the cause: loading must never take the daemon down.
    /// </summary>
    /// <summary>Damaged plugin files, which may be where the type was meant to come from.</summary>
    private string Unreadable() =>
        _catalog.Unreadable.Count == 0 ? "" : $"; not a readable assembly: {string.Join("; ", _catalog.Unreadable)}";

    private static (Assembly, PluginLoader) LoadAssembly(Dictionary<string, PluginLoader> loaders, string section, string assemblyPath)
    {
        try
        {
            if (!loaders.TryGetValue(assemblyPath, out var loader))
            {
                loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, ConfigureLoader);
                PluginNativeLibraries.Attach(loader.LoadContext, Path.GetDirectoryName(assemblyPath)!);
                loaders[assemblyPath] = loader;
            }

            var assembly = loader.LoadDefaultAssembly();
            CheckAbstractionsVersion(section, assembly);
            CheckDependencies(section, assembly, loader, assemblyPath);
            return (assembly, loader);
        }
        catch (Exception e) when (e is not PluginLoadException)
        {
            throw new PluginLoadException(section, FactorySpec.Key, $"the plugin assembly {assemblyPath} cannot be loaded: {e.GetType().Name}: {e.Message}", e);
        }
    }

    private static void ConfigureLoader(PluginConfig config)
    {
        config.IsUnloadable = true;

        // Assemblies are read into memory, not mapped from their files: a plugin's folder may be rebuilt,
        // overwritten or replaced while the daemon runs (native libraries are shadow-copied for the same reason).
        config.LoadInMemory = true;

        // Only the contracts are unified with the host; their own references are looked up as they are
        // needed rather than all loaded now, which would cost every start-up.
        config.IsLazyLoaded = true;
        foreach (var name in SharedAssemblies)
        {
            config.SharedAssemblies.Add(new AssemblyName(name));
        }
    }

    /// <summary>
    /// Every assembly the plugin references directly must come from somewhere: .NET itself, the host (the
    /// contracts), or the plugin's folder. A plugin built without <c>EnableDynamicLoading</c> has no copies
    /// of its packages there; say so now, rather than as a FileNotFoundException at its first call.
    /// </summary>
    private static void CheckDependencies(string section, Assembly assembly, PluginLoader loader, string assemblyPath)
    {
        var missing = new List<string>();
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            if (reference.Name is null || FrameworkAssemblies.Value.Contains(reference.Name) || SharedAssemblies.Contains(reference.Name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                loader.LoadAssembly(reference);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                missing.Add($"{reference.Name} {reference.Version}");
            }
        }

        if (missing.Count > 0)
        {
            throw new PluginLoadException(section, FactorySpec.Key,
                $"{assembly.GetName().Name} needs {string.Join(", ", missing)}, found neither in its folder {Path.GetDirectoryName(assemblyPath)} nor in .NET; build the plugin with <EnableDynamicLoading>true</EnableDynamicLoading> so its dependencies are copied beside it, and copy its whole output folder");
        }
    }

    /// <summary>The names of the assemblies .NET itself provides to this process (the runtime's trusted platform list).</summary>
    private static readonly Lazy<HashSet<string>> FrameworkAssemblies = new(() =>
        [.. ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()]);

    /// <summary>
    /// A plugin always gets the host's Abstractions, even if it ships its own copy. That is only safe
    /// when it was built against a version no newer than the host's; otherwise say exactly that.
    /// </summary>
    private static void CheckAbstractionsVersion(string section, Assembly assembly)
    {
        var hostAbstractions = typeof(ISupervisord).Assembly.GetName();
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            if (string.Equals(reference.Name, hostAbstractions.Name, StringComparison.OrdinalIgnoreCase)
                && reference.Version is not null && hostAbstractions.Version is not null && reference.Version > hostAbstractions.Version)
            {
                throw new PluginLoadException(section, FactorySpec.Key,
                    $"{assembly.GetName().Name} was built against {reference.Name} {reference.Version}, but this host provides {hostAbstractions.Version}; rebuild the plugin against the host's version");
            }
        }
    }
}
