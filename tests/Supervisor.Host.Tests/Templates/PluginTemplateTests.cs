using System.Globalization;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Templates;

/// <summary>
/// The path a new plugin author takes, on this checkout: the SDK (src/Abstractions) and the template
/// (src/Templates) packed into a local folder feed, the template installed into a private hive,
/// `dotnet new supervisor-plugin` instantiated, its test project run against this daemon, and its
/// build output dropped into a plugins folder of a daemon that is then called. Restores see the local
/// feed beside the machine's usual source, with a private package folder (so a package of the same
/// version from an earlier run is never reused) that falls back to the machine's for everything else.
/// </summary>
public sealed class PluginTemplateTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ANewPluginFromTheTemplateBuildsAgainstThePackedSdkAndServesInTheDaemon()
    {
        using var work = new TempDirectory();
        var root = TestPaths.RepositoryRoot;
        var feed = work.File("feed");

        // A version of its own for this run's SDK package: nothing cached can stand in for it.
        var sdkVersion = "1.0.0-ci." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        await DotnetAsync(root, "pack", Path.Combine(root, "src/Abstractions"), "-c", "Release", "-o", feed, "-p:Version=" + sdkVersion, "-nologo");
        await DotnetAsync(root, "pack", Path.Combine(root, "src/Templates"), "-c", "Release", "-o", feed, "-nologo");
        var templatePackage = Assert.Single(Directory.GetFiles(feed, "Supervisor.Plugins.Templates.*.nupkg"));

        var hive = work.File("hive");
        await DotnetAsync(work.Path, "new", "install", templatePackage, "--debug:custom-hive", hive);
        var source = work.File("src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "nuget.config"), NugetConfig(feed, work.File("packages")));
        await DotnetAsync(source, "new", "supervisor-plugin", "-n", "Acme.Counter", "--sdkVersion", sdkVersion, "--debug:custom-hive", hive);

        var solution = Path.Combine(source, "Acme.Counter");
        var section = File.ReadAllText(Path.Combine(solution, "rpcinterface.conf"));
        Assert.Contains("[rpcinterface:counter]", section);
        Assert.Contains("supervisor.rpcinterface_factory = Acme.Counter.Factory:make_rpcinterface", section);

        // The template's own test project runs the plugin in this daemon.
        Assert.True(File.Exists(Path.Combine(solution, "Acme.Counter.slnx")));
        var tested = await DotnetAsync(solution, ["test", "-c", "Release", "-nologo"], ("SUPERVISORD", TestPaths.SupervisordDll));
        Assert.Contains("Passed!", tested);

        // The plugin's output is loadable as it is: dependencies listed, no copy of the SDK of its own.
        var output = Path.Combine(solution, "Acme.Counter/bin/Release/net10.0");
        Assert.True(File.Exists(Path.Combine(output, "Acme.Counter.deps.json")), "EnableDynamicLoading came with the package");
        Assert.False(File.Exists(Path.Combine(output, "Supervisor.Abstractions.dll")), "the plugin must use the daemon's Supervisor.Abstractions");

        await using var daemon = await RunningDaemon.StartAsync(
            RunningDaemon.StandardSections + "[supervisord]\nplugins = {dir}/plugins\n\n" + section,
            dir => CopyFolder(output, dir.File("plugins/Acme.Counter")));
        Assert.Equal(2, await daemon.Unix.ValueAsync("counter.increment"));
        Assert.Equal(4, await daemon.Tcp.ValueAsync("counter.increment"));
        Assert.Equal("Hello Ada, from test-daemon", await daemon.Unix.ValueAsync("counter.greet", "Ada"));
        Assert.Contains("INFO Acme.Counter.RpcInterface: counter is now 4", daemon.MainLog());
    }

    /// <summary>The local feed added to the machine's sources; packages restored into a private folder that falls back to the machine's.</summary>
    private static string NugetConfig(string feed, string packages)
    {
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
              <packageSources>
                <add key="supervisor-plugins-local" value="{feed}" />
              </packageSources>
            </configuration>
            """;
    }

    private static Task<string> DotnetAsync(string workingDirectory, params string[] arguments) =>
        DotnetAsync(workingDirectory, arguments, []);

    /// <summary>Runs <c>dotnet</c>; a failure shows what it printed.</summary>
    private static async Task<string> DotnetAsync(string workingDirectory, string[] arguments, params (string Name, string Value)[] environment)
    {
        var info = CommandRun.Info("dotnet", arguments);
        info.WorkingDirectory = workingDirectory;

        // Started from a test host that `dotnet test` started: its MSBuild settings are not for these builds.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        // No build servers or reused MSBuild nodes: they would outlive this command in the test host's process
        // group, be adopted by it (the reaper tests make it a subreaper), and as zombies there hide adopted
        // orphans from ChildReaper's peek, failing the reaper tests that run at the same time.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var (exitCode, stdout, stderr, timedOut) = await CommandRun.RunAsync(info, CommandTimeout);
        Assert.True(exitCode == 0 && !timedOut, $"dotnet {string.Join(' ', arguments)} exited {exitCode}{(timedOut ? " (timed out)" : "")}:\n{stdout}\n{stderr}");
        return stdout;
    }

    private static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}
