using Supervisor.Abstractions;
using Supervisor.Host.Plugins;
using Supervisor.Host.Rpc;

namespace Supervisor.Host;

/// <summary>
/// Hot reload for the sections that ask for it (<c>supervisor.hot_reload = true</c>): when a file in such
/// a plugin's folder changes (rebuilt, copied over, the folder replaced), and a second has passed without
/// another change, the plugin's sections are made again from their keys, in new load contexts, and swapped
/// into the RPC table at once. Calls in flight finish on the old objects, which are then disposed and their
/// contexts unloaded. A new version that cannot be loaded, whose factory throws or whose methods cannot be
/// exposed leaves the old one serving, and the main log says why. Supervised programs are never touched.
/// It lives at the root with <see cref="Generation"/> because it wires the same layers together: the plugin
/// host and the RPC table, which sit side by side and do not use each other.
/// </summary>
internal sealed class PluginHotReload : IDisposable
{
    /// <summary>Quiet time after the last change before reloading: a copy of a build output is many events.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private readonly PluginHost _host;
    private readonly RpcRegistry _registry;
    private readonly IMainLog _log;
    private readonly Lock _reloading = new();
    private readonly List<Watched> _watched = [];

    /// <param name="plugins">The namespaces made with hot reload on, each with its section.</param>
    public PluginHotReload(PluginHost host, RpcRegistry registry, IMainLog log, IReadOnlyList<(RpcInterfaceSection Section, PluginNamespace Namespace)> plugins)
    {
        _host = host;
        _registry = registry;
        _log = log;

        // One watch per plugin; its sections reload together, as they share one load context.
        foreach (var plugin in plugins.GroupBy(p => p.Namespace.AssemblyPath, StringComparer.Ordinal))
        {
            var folder = Path.GetDirectoryName(plugin.Key)!;
            var watched = new Watched(folder, [.. plugin.Select(p => p.Section)], [.. plugin.Select(p => p.Namespace)]);
            watched.Timer = new Timer(_ => ReloadOrLog(watched), null, Timeout.Infinite, Timeout.Infinite);

            // A plugin in its own folder (<plugins>/<Name>/<Name>.dll): the plugins folder is watched, so its
            // folder deleted and copied again is still seen. A bare <plugins>/<Name>.dll: only that file.
            var ownFolder = Path.GetFileNameWithoutExtension(plugin.Key) == Path.GetFileName(folder);
            if (!ownFolder)
            {
                watched.OnlyFile = plugin.Key;
            }

            watched.Watcher = new FileSystemWatcher(ownFolder ? Path.GetDirectoryName(folder)! : folder)
            {
                IncludeSubdirectories = ownFolder,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            FileSystemEventHandler changed = (_, e) => OnChange(watched, e.FullPath);
            watched.Watcher.Changed += changed;
            watched.Watcher.Created += changed;
            watched.Watcher.Deleted += changed;
            watched.Watcher.Renamed += (_, e) => OnChange(watched, e.FullPath);
            watched.Watcher.EnableRaisingEvents = true;
            _watched.Add(watched);
        }
    }

    /// <summary>Raised after an old version was released, with weak references to its load contexts (for tests).</summary>
    public event Action<IReadOnlyList<WeakReference>>? Released;

    public void Dispose()
    {
        foreach (var watched in _watched)
        {
            watched.Watcher?.Dispose();
            watched.Timer?.Dispose();
        }

        // A reload under way finishes first; none starts after this.
        lock (_reloading)
        {
            _watched.Clear();
        }
    }

    /// <summary>Makes the new version now (the timer's work; tests call it directly). False when it failed and the old one still serves.</summary>
    public bool Reload(Watched watched)
    {
        lock (_reloading)
        {
            if (!_watched.Contains(watched))
            {
                return false;
            }

            var names = string.Join(", ", watched.Sections.Select(s => $"[{s.Section}]"));
            IReadOnlyList<PluginNamespace> fresh;
            try
            {
                fresh = _host.CreateFresh(watched.Sections.Select(s => (s.Section, s.Factory, s.Keys)));
            }
            catch (PluginLoadException e)
            {
                _log.Write(MainLogLevel.Error, $"hot reload of {names} failed, the loaded version keeps serving: {e.Message}");
                return false;
            }

            IReadOnlyList<NamespaceLease> leases;
            try
            {
                leases = _registry.Replace([.. fresh.Select(n => (n.Name, n.Target))]);
            }
            catch (RpcDeclarationException e)
            {
                _host.Release(fresh);
                _log.Write(MainLogLevel.Error, $"hot reload of {names} failed, the loaded version keeps serving: {e.Message.Replace("\n", "; ", StringComparison.Ordinal)}");
                return false;
            }

            var old = watched.Current;
            _host.Commit(fresh, old);
            watched.Current = fresh;
            _log.Write(MainLogLevel.Info, $"RPC interface {string.Join(", ", fresh.Select(n => $"'{n.Name}'"))} reloaded from {watched.Folder}");

            // The old version goes once the last call still running on it has returned.
            var pending = leases.Count;
            void ReleaseOld()
            {
                var references = _host.Release(old);
                _log.Write(MainLogLevel.Info, $"RPC interface {string.Join(", ", old.Select(n => $"'{n.Name}'"))}: the previous version was released");
                Released?.Invoke(references);
            }

            if (pending == 0)
            {
                ReleaseOld();
            }

            foreach (var lease in leases)
            {
                lease.Retire(() =>
                {
                    if (Interlocked.Decrement(ref pending) == 0)
                    {
                        ReleaseOld();
                    }
                });
            }

            return true;
        }
    }

    /// <summary>On a timer thread, where nothing may escape: anything unforeseen is logged, and the old version serves on.</summary>
    private void ReloadOrLog(Watched watched)
    {
        try
        {
            Reload(watched);
        }
        catch (Exception e)
        {
            _log.Write(MainLogLevel.Error, $"hot reload of {watched.Folder} failed, the loaded version keeps serving: {e}");
        }
    }

    /// <summary>The watches, for tests that reload without waiting for the file system.</summary>
    internal IReadOnlyList<Watched> Folders => _watched;

    private static void OnChange(Watched watched, string path)
    {
        if (watched.OnlyFile is { } file
                ? path == file
                : path == watched.Folder || path.StartsWith(watched.Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            watched.Timer?.Change(Settle, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>One plugin folder with hot reload: its sections and the namespaces now serving them.</summary>
    internal sealed class Watched(string folder, IReadOnlyList<RpcInterfaceSection> sections, IReadOnlyList<PluginNamespace> current)
    {
        public string Folder { get; } = folder;

        public IReadOnlyList<RpcInterfaceSection> Sections { get; } = sections;

        public IReadOnlyList<PluginNamespace> Current { get; set; } = current;

        /// <summary>For a bare DLL in a plugins folder: the only file whose change counts.</summary>
        public string? OnlyFile { get; set; }

        public Timer? Timer { get; set; }

        public FileSystemWatcher? Watcher { get; set; }
    }
}
