using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Supervisor.Host.Plugins;

/// <summary>
/// The last resort for a plugin's <c>[DllImport("name")]</c>: a native library lying in the plugin's own
/// folder (<c>libname.so</c>, <c>name.so</c>, <c>name</c>) that its <c>.deps.json</c> does not list. The
/// runtime would look beside the assembly, but a plugin's assemblies are read into memory and have no
/// folder, so the library is looked up here; it is loaded from a private copy, as McMaster's loader does
/// for the libraries it resolves, so the plugin's folder can still be replaced while the daemon runs.
/// </summary>
internal sealed class PluginNativeLibraries
{
    private readonly string _pluginFolder;
    private readonly string _copies = Path.Combine(Path.GetTempPath(), "supervisord-native-" + Path.GetRandomFileName());

    private PluginNativeLibraries(string pluginFolder) => _pluginFolder = pluginFolder;

    /// <summary>Makes <paramref name="context"/> find native libraries in <paramref name="pluginFolder"/>; the copies go when it unloads.</summary>
    public static void Attach(AssemblyLoadContext context, string pluginFolder)
    {
        var libraries = new PluginNativeLibraries(pluginFolder);
        context.ResolvingUnmanagedDll += libraries.Resolve;
        context.Unloading += _ => libraries.DeleteCopies();
    }

    private IntPtr Resolve(Assembly assembly, string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        foreach (var file in (string[])[$"lib{name}.so", $"{name}.so", name])
        {
            var path = Path.Combine(_pluginFolder, file);
            if (File.Exists(path))
            {
                Directory.CreateDirectory(_copies);
                var copy = Path.Combine(_copies, file);
                if (!File.Exists(copy))
                {
                    File.Copy(path, copy);
                }

                return NativeLibrary.Load(copy);
            }
        }

        return IntPtr.Zero;
    }

    private void DeleteCopies()
    {
        try
        {
            if (Directory.Exists(_copies))
            {
                Directory.Delete(_copies, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A copy still open elsewhere; the temporary folder is the system's to clean.
        }
    }
}
