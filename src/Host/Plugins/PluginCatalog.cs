using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Supervisor.Host.Plugins;

/// <summary>
/// The plugin assemblies available to this daemon: <c>&lt;folder&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c> (a plugin's
/// build output with its dependencies) and bare <c>&lt;folder&gt;/*.dll</c>, across the configured folder
/// and the bundled one beside the executable (searched in that order). Public type names are read
/// from metadata without loading anything, so an unused plugin costs nothing.
/// </summary>
internal sealed class PluginCatalog
{
    private readonly List<(string AssemblyPath, string TypeName)> _types = [];
    private readonly List<string> _unreadable = [];

    public PluginCatalog(IEnumerable<string> folders)
    {
        Folders = [.. folders.Where(Directory.Exists).Select(Path.GetFullPath).Distinct()];
        foreach (var folder in Folders)
        {
            foreach (var assemblyPath in PluginAssemblies(folder))
            {
                try
                {
                    foreach (var typeName in PublicTypeNames(assemblyPath))
                    {
                        _types.Add((assemblyPath, typeName));
                    }
                }
                catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException)
                {
                    // A damaged plugin (or a native library among bare DLLs) defines nothing; a section looking
                    // for a type it should have defined says why it was not found.
                    _unreadable.Add($"{assemblyPath}: {e.Message}");
                }
            }
        }
    }

    public IReadOnlyList<string> Folders { get; }

    /// <summary>Plugin assemblies whose metadata could not be read, each with the reason.</summary>
    public IReadOnlyList<string> Unreadable => _unreadable;

    /// <summary>
    /// The plugin assembly defining <paramref name="typeName"/> and the type's exact name. An exact match
    /// wins over a case-insensitive one; the first folder wins over later ones.
    /// </summary>
    public (string AssemblyPath, string TypeName)? Find(string typeName)
    {
        foreach (var comparison in (StringComparison[])[StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase])
        {
            foreach (var entry in _types)
            {
                if (string.Equals(entry.TypeName, typeName, comparison))
                {
                    return entry;
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> PluginAssemblies(string folder)
    {
        foreach (var directory in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var main = Path.Combine(directory, Path.GetFileName(directory) + ".dll");
            if (File.Exists(main))
            {
                yield return main;
            }
        }

        foreach (var dll in Directory.EnumerateFiles(folder, "*.dll").Order(StringComparer.Ordinal))
        {
            yield return dll;
        }
    }

    /// <exception cref="BadImageFormatException">The file is not an assembly (damaged, truncated, garbage).</exception>
    private static List<string> PublicTypeNames(string assemblyPath)
    {
        var names = new List<string>();
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return names;
        }

        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            if ((type.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public)
            {
                continue;
            }

            var ns = metadata.GetString(type.Namespace);
            var name = metadata.GetString(type.Name);
            names.Add(ns.Length == 0 ? name : ns + "." + name);
        }

        return names;
    }
}
