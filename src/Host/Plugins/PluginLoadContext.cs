using System.Reflection;
using System.Runtime.Loader;

namespace Supervisor.Host.Plugins;

/// <summary>
/// One plugin's private world: its assemblies resolve from its own folder through its
/// <c>.deps.json</c>, except the shared contracts, which always come from the host so that a
/// plugin's <c>ISupervisord</c> is the host's <c>ISupervisord</c>. Collectible, so a restart can drop it.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    /// <summary>Assemblies that define types crossing the host/plugin boundary.</summary>
    internal static readonly IReadOnlySet<string> SharedAssemblies = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Supervisor.Abstractions",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Logging.Abstractions",
    };

    private readonly AssemblyDependencyResolver _resolver;

    public PluginLoadContext(string mainAssemblyPath)
        : base(name: Path.GetFileNameWithoutExtension(mainAssemblyPath), isCollectible: true)
    {
        MainAssemblyPath = mainAssemblyPath;
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
    }

    public string MainAssemblyPath { get; }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Returning null defers to the default context: the host's copy (shared contracts) or the framework.
        if (assemblyName.Name is not null && SharedAssemblies.Contains(assemblyName.Name))
        {
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
