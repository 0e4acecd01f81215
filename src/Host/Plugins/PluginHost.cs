using System.Reflection;
using Supervisor.Abstractions;

namespace Supervisor.Host.Plugins;

/// <summary>One namespace made by a factory: its wire name, the object serving it and where it came from.</summary>
internal sealed record PluginNamespace(string Name, object Target, string AssemblyPath);

/// <summary>
/// Turns <c>[rpcinterface:x]</c> sections into namespace objects, one per section (shared by every
/// listener), each plugin assembly in its own load context. Disposing disposes the namespace objects
/// that are disposable, then unloads every context; a restart builds a fresh host.
/// </summary>
internal sealed class PluginHost(PluginCatalog catalog, ISupervisord supervisord, IServiceProvider services, IMainLog log) : IDisposable
{
    private readonly Dictionary<string, PluginLoadContext> _contexts = new(StringComparer.Ordinal);
    private readonly List<PluginNamespace> _namespaces = [];

    /// <summary>Makes the namespace for one section; throws <see cref="PluginLoadException"/> naming section, key and cause.</summary>
    public PluginNamespace Create(string section, string? factorySpecText, IReadOnlyDictionary<string, string> keys)
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

        var found = catalog.Find(spec.TypeName)
            ?? throw new PluginLoadException(section, FactorySpec.Key,
                $"{factorySpecText} cannot be resolved within [{section}]: no plugin assembly defines a public type '{spec.TypeName}' (searched {string.Join(", ", catalog.Folders.DefaultIfEmpty("no plugin folder"))})");

        var assembly = LoadAssembly(section, found.AssemblyPath);
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

        var keysForFactory = keys.Where(k => k.Key != FactorySpec.Key).ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
        var target = FactoryInvoker.Invoke(section, candidates[0], supervisord, keysForFactory, services);
        log.Write(MainLogLevel.Debug, $"RPC interface '{name}' made by {FactoryInvoker.Describe(candidates[0])} from {found.AssemblyPath}");
        log.Write(MainLogLevel.Info, $"RPC interface '{name}' initialized");
        var plugin = new PluginNamespace(name, target, found.AssemblyPath);
        _namespaces.Add(plugin);
        return plugin;
    }

    /// <summary>
    /// Unloads every plugin context. Returns weak references to the contexts so a caller can tell
    /// whether they were really collected (a plugin that pins itself, e.g. through a reflection
    /// cache, is only "disabled until restart").
    /// </summary>
    public IReadOnlyList<WeakReference> Unload()
    {
        // Namespaces that hold resources get to release them first; one that fails is logged, not fatal.
        foreach (var plugin in _namespaces)
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

        _namespaces.Clear();
        var references = _contexts.Values.Select(c => new WeakReference(c)).ToList();
        foreach (var context in _contexts.Values)
        {
            context.Unload();
        }

        _contexts.Clear();
        return references;
    }

    public void Dispose() => Unload();

    private Assembly LoadAssembly(string section, string assemblyPath)
    {
        if (!_contexts.TryGetValue(assemblyPath, out var context))
        {
            context = new PluginLoadContext(assemblyPath);
            _contexts[assemblyPath] = context;
        }

        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(assemblyPath);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new PluginLoadException(section, FactorySpec.Key, $"the plugin assembly {assemblyPath} cannot be loaded: {e.Message}");
        }

        CheckAbstractionsVersion(section, assembly);
        return assembly;
    }

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
