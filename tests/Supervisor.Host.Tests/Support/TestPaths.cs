using System.Reflection;

namespace Supervisor.Host.Tests.Support;

/// <summary>Paths the build wrote into this assembly's metadata.</summary>
internal static class TestPaths
{
    public static string SupervisordDll => Metadata("SupervisordDll");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"the test assembly has no '{key}' metadata");
}
