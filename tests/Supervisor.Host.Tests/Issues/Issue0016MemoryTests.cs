using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Issues;

/// <summary>
/// Issue 16, item 4: the daemon's memory above the floor of any ASP.NET Core process. What the daemon maps
/// only when it needs it, read from <c>/proc/PID/maps</c> of a real daemon (tests/Supervisor.Benchmarks/README.md,
/// "Where the memory goes"): Scriban (the web templates) not before the first page, and System.Linq.Expressions
/// (once the compiler of the RPC methods' invokers) never.
/// </summary>
public sealed class Issue0016MemoryTests
{
    [Fact]
    public async Task ScribanIsMappedOnlyOnceAWebPageIsServedAndRpcCallsNeverMapTheExpressionCompiler()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:sleeper]
            command = sleep 1000
            startsecs = 0
            """);
        await daemon.WaitForStateAsync("sleeper", "RUNNING");

        // Calls of the built-in namespace's methods, with and without parameters, on both transports.
        Assert.Single((object?[])(await daemon.Unix.ValueAsync("supervisor.getAllProcessInfo"))!);
        Assert.Equal("sleeper", ((Dictionary<string, object?>)(await daemon.Tcp.ValueAsync("supervisor.getProcessInfo", "sleeper"))!)["name"]);
        Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getState"))!)["statename"]);

        var beforePage = MappedAssemblies(daemon.Process.Pid);
        Assert.Contains("supervisord.dll", beforePage);
        Assert.DoesNotContain("Scriban.Signed.dll", beforePage);
        Assert.DoesNotContain("System.Linq.Expressions.dll", beforePage);

        using var http = new HttpClient();
        var page = await http.GetStringAsync(new Uri(daemon.TcpUrl + "/index.html"));
        Assert.Contains("sleeper", page, StringComparison.Ordinal);

        var afterPage = MappedAssemblies(daemon.Process.Pid);
        Assert.Contains("Scriban.Signed.dll", afterPage);
        Assert.DoesNotContain("System.Linq.Expressions.dll", afterPage);
    }

    /// <summary>
    /// ICU (about 5 MiB resident) is the plugins' culture data, kept by default; an operator who runs no plugin that
    /// needs cultures turns it off for the daemon with <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1</c> in its environment
    /// (README.md, "Performance"), and the daemon works the same without it.
    /// </summary>
    [Fact]
    public async Task IcuIsMappedByDefaultAndNotWhenTheOperatorAsksForInvariantGlobalization()
    {
        using var directory = new TempDirectory();
        var socketPath = directory.File("s.sock");
        var config = directory.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections, directory.Path, socketPath, FreePort.Next()) + """
            [program:sleeper]
            command = sleep 1000
            startsecs = 0
            """);
        using var client = RpcClient.ForUnixSocket(socketPath);
        foreach (var (launcher, icu) in new[] { (Array.Empty<string>(), true), (["env", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1"], false) })
        {
            await using var daemon = await DaemonProcess.StartUnderAsync(launcher, config, async () => !(await client.CallAsync("system.listMethods")).IsFault);
            var info = (Dictionary<string, object?>)(await client.ValueAsync("supervisor.getProcessInfo", "sleeper"))!;
            Assert.Equal("sleeper", info["name"]);
            var mapped = File.ReadLines($"/proc/{daemon.Pid}/maps").Any(line => line.Contains("/libicuuc.so", StringComparison.Ordinal));
            Assert.True(mapped == icu, $"{string.Join(' ', launcher)}: ICU mapped: {mapped}");
        }
    }

    /// <summary>The file names of the assemblies mapped into process <paramref name="pid"/>.</summary>
    private static HashSet<string> MappedAssemblies(int pid) =>
        File.ReadLines($"/proc/{pid}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].EndsWith(".dll", StringComparison.Ordinal))
            .Select(fields => Path.GetFileName(fields[5]))
            .ToHashSet(StringComparer.Ordinal);
}
