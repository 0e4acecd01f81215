using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Plugins;

/// <summary>
/// The host's services in a real container: injected into factories and plugin constructors, options
/// bound from the section through IConfiguration, and ILogger lines (a plugin's and Kestrel's) in the
/// main log with Supervisor's level names.
/// </summary>
public sealed class PluginServicesTests
{
    private const string Sections = RunningDaemon.StandardSections + """
        [supervisord]
        plugins = {dir}/plugins
        loglevel = {level}

        [rpcinterface:counter]
        supervisor.rpcinterface_factory = TestPlugins.Injected.Factory:Make
        greeting = bonjour
        max_count = 1
        """;

    private static Task<RunningDaemon> StartAsync(string level = "info") =>
        RunningDaemon.StartAsync(Sections.Replace("{level}", level, StringComparison.Ordinal), dir => TestPlugins.Install(dir.File("plugins"), "Injected"));

    [Fact]
    public async Task AFactoryGetsServicesAndOptionsBoundFromItsSection()
    {
        await using var daemon = await StartAsync();
        var described = (Dictionary<string, object?>)(await daemon.Unix.ValueAsync("counter.describe"))!;
        Assert.Equal("bonjour", described["greeting"]);
        Assert.Equal(1, described["maxCount"]);
        Assert.Equal(true, described["processes"]);
        Assert.Equal(true, described["events"]);
    }

    [Fact]
    public async Task APluginLoggerWritesIntoTheMainLogWithSupervisorsLevelNames()
    {
        await using var daemon = await StartAsync("trace");
        Assert.Contains("INFO TestPlugins.Injected.Namespace: made with greeting bonjour at now", LevelledLines(daemon));
        Assert.Equal(true, await daemon.Unix.ValueAsync("counter.logEveryLevel"));
        var lines = LevelledLines(daemon);
        Assert.Contains("CRIT TestPlugins.Injected.Namespace: level critical", lines);
        Assert.Contains("ERRO TestPlugins.Injected.Namespace: level error", lines);
        Assert.Contains("WARN TestPlugins.Injected.Namespace: level warning", lines);
        Assert.Contains("INFO TestPlugins.Injected.Namespace: level information", lines);
        Assert.Contains("DEBG TestPlugins.Injected.Namespace: level debug", lines);
        Assert.Contains("TRAC TestPlugins.Injected.Namespace: level trace", lines);
        Assert.Contains("System.InvalidOperationException: broken", daemon.MainLog());
    }

    [Fact]
    public async Task APluginLoggerHonoursTheLoglevel()
    {
        await using var daemon = await StartAsync("warn");
        Assert.Equal(1, await daemon.Unix.ValueAsync("counter.increment"));
        Assert.Equal(2, await daemon.Unix.ValueAsync("counter.increment"));
        var lines = LevelledLines(daemon);
        Assert.Contains("WARN TestPlugins.Injected.Namespace: count 2 passed the maximum 1", lines);
        Assert.DoesNotContain(lines, l => l.Contains("count is", StringComparison.Ordinal) || l.Contains("made with", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARequestKestrelRejectsIsLoggedAtTrace()
    {
        await using var daemon = await StartAsync("trace");
        var response = await RawHttp.ExchangeAsync(daemon.EndPoint("tcp"), Encoding.ASCII.GetBytes("NOT A REQUEST LINE\r\n\r\n"));
        Assert.Equal(400, response.Status);
        await SupervisedPrograms.WaitUntilAsync(() => LevelledLines(daemon).Any(l => l.StartsWith("TRAC Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) && l.Contains("bad request", StringComparison.OrdinalIgnoreCase)), "Kestrel's bad-request line");
    }

    [Fact]
    public async Task KestrelsConnectionChatterStaysOutOfTheDebugLog()
    {
        await using var daemon = await StartAsync("debug");
        await daemon.Tcp.ValueAsync("supervisor.getState");
        var response = await RawHttp.ExchangeAsync(daemon.EndPoint("tcp"), Encoding.ASCII.GetBytes("NOT A REQUEST LINE\r\n\r\n"));
        Assert.Equal(400, response.Status);
        Assert.Equal(true, await daemon.Unix.ValueAsync("counter.logEveryLevel"));
        Assert.DoesNotContain("Microsoft.AspNetCore", daemon.MainLog());
    }

    /// <summary>Main-log lines without their timestamp: <c>INFO message</c>.</summary>
    private static List<string> LevelledLines(RunningDaemon daemon) =>
        [.. daemon.MainLog().Split('\n').Where(l => l.Length > 24).Select(l => l[24..])];
}
