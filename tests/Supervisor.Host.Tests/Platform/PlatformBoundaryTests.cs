using System.Reflection;
using System.Text.RegularExpressions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Platform;

/// <summary>
/// Every call into native code is declared in src/Host/Platform, in namespace <c>Supervisor.Host.Platform</c>
/// (src/Host/Platform/README.md), so the rest of the daemon reaches the OS through one folder.
/// </summary>
public sealed partial class PlatformBoundaryTests
{
    private const string PlatformNamespace = "Supervisor.Host.Platform";

    private static string HostSource => Path.Combine(TestPaths.RepositoryRoot, "src", "Host");

    [Fact]
    public void EveryPInvokeOfTheCompiledDaemonIsDeclaredInThePlatformNamespace()
    {
        // LibraryImport's generated stubs and DllImport methods alike carry PinvokeImpl.
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var outside = typeof(Supervisord).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(all))
            .Where(method => method.Attributes.HasFlag(MethodAttributes.PinvokeImpl))
            .Where(method => method.DeclaringType!.Namespace != PlatformNamespace)
            .Select(method => $"{method.DeclaringType!.FullName}.{method.Name}")
            .ToList();

        Assert.Empty(outside);
    }

    [Fact]
    public void NoSourceFileOutsidePlatformDeclaresANativeImport()
    {
        var outside = SourceFiles()
            .Where(file => !file.StartsWith(Path.Combine(HostSource, "Platform") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(file => NativeImport().IsMatch(File.ReadAllText(file)))
            .Select(file => Path.GetRelativePath(HostSource, file))
            .ToList();

        Assert.Empty(outside);
    }

    [Fact]
    public void EveryFileInPlatformIsInThePlatformNamespace()
    {
        var files = Directory.EnumerateFiles(Path.Combine(HostSource, "Platform"), "*.cs").ToList();
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.Equal([PlatformNamespace], NamespaceDeclaration().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value)));
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(HostSource, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    // An attribute that starts a line: a declaration, not a comment that names one (PluginNativeLibraries's does).
    [GeneratedRegex(@"^\s*\[(LibraryImport|DllImport)\s*\(", RegexOptions.Multiline)]
    private static partial Regex NativeImport();
}
