using Supervisor.Host.Tests.Integration;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Plugins;

/// <summary>
/// <c>supervisor.hot_reload = true</c> on the real daemon: a plugin rebuilt in place is swapped in without a
/// restart, calls in flight finish on the old version, and a rebuild that fails leaves the old one serving.
/// </summary>
public sealed class PluginHotReloadTests
{
    private const string Sections = RunningDaemon.StandardSections + """
        [supervisord]
        plugins = {dir}/plugins

        [rpcinterface:updatable]
        supervisor.rpcinterface_factory = TestPlugins.Updatable.Factory:Make
        supervisor.hot_reload = true

        [program:sleeper]
        command = sleep 1000
        startsecs = 0
        """;

    private static Task<RunningDaemon> StartAsync() =>
        RunningDaemon.StartAsync(Sections, dir => TestPlugins.Install(dir.File("plugins"), "Updatable"));

    [Fact]
    public async Task ARebuiltPluginIsSwappedInWhileACallInFlightFinishesOnTheOldVersion()
    {
        await using var daemon = await StartAsync();
        await LifecycleTests.WaitUntilAsync(async () => ProgramState(await daemon.Unix.ValueAsync("supervisor.getProcessInfo", "sleeper")) == "RUNNING");
        var sleeperPid = ((Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getProcessInfo", "sleeper"))!)["pid"];
        Assert.Equal("first", await daemon.Unix.ValueAsync("updatable.build"));
        var go = daemon.Directory.File("go");
        var inFlight = daemon.Tcp.ValueAsync("updatable.waitForFile", go);
        await LifecycleTests.WaitUntilAsync(() => File.Exists(go + ".entered"));

        // The new build replaces the folder in one step (deleted, then renamed into place), so exactly one reload
        // follows and the only version released is the one the call is running on.
        TestPlugins.InstallAs(daemon.Directory.File("staging"), "UpdatableSecond", "Updatable");
        Directory.Delete(daemon.Directory.File("plugins/Updatable"), recursive: true);
        Directory.Move(daemon.Directory.File("staging/Updatable"), daemon.Directory.File("plugins/Updatable"));
        await LifecycleTests.WaitUntilAsync(async () => (await daemon.Unix.CallAsync("updatable.build")).Value as string == "second");
        Assert.Equal("secondsecondsecond", await daemon.Unix.ValueAsync("updatable.onlyInTheSecondBuild"));
        Assert.DoesNotContain("the previous version was released", await File.ReadAllTextAsync(daemon.LogPath));

        await File.WriteAllTextAsync(go, "");
        Assert.Equal("first", await inFlight);
        await LifecycleTests.WaitUntilAsync(() => File.ReadAllText(daemon.LogPath).Contains("RPC interface 'updatable': the previous version was released", StringComparison.Ordinal));
        Assert.Contains("INFO RPC interface 'updatable' reloaded from", await File.ReadAllTextAsync(daemon.LogPath));

        // Supervised programs are never touched, and the daemon did not restart.
        Assert.Equal(sleeperPid, ((Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getProcessInfo", "sleeper"))!)["pid"]);
        Assert.Equal(1, LifecycleTests.CountOf(daemon.LogPath, "supervisord started with pid"));
    }

    [Fact]
    public async Task ARebuildThatFailsToLoadLeavesTheOldVersionServing()
    {
        await using var daemon = await StartAsync();
        Assert.Equal("first", await daemon.Unix.ValueAsync("updatable.build"));

        await File.WriteAllTextAsync(daemon.Directory.File("plugins/Updatable/Updatable.dll"), "half a copy");
        await LifecycleTests.WaitUntilAsync(() => File.ReadAllText(daemon.LogPath).Contains("ERRO hot reload of [rpcinterface:updatable] failed, the loaded version keeps serving: [rpcinterface:updatable] supervisor.rpcinterface_factory:", StringComparison.Ordinal));
        Assert.Equal("first", await daemon.Unix.ValueAsync("updatable.build"));

        // Once the copy is complete, the next change is picked up.
        TestPlugins.InstallAs(daemon.Directory.File("plugins"), "UpdatableSecond", "Updatable");
        await LifecycleTests.WaitUntilAsync(async () => (await daemon.Unix.CallAsync("updatable.build")).Value as string == "second");
    }

    [Fact]
    public async Task WithoutTheKeyAChangedPluginIsNotReloaded()
    {
        await using var daemon = await RunningDaemon.StartAsync(Sections.Replace("supervisor.hot_reload = true", "supervisor.hot_reload = false", StringComparison.Ordinal), dir => TestPlugins.Install(dir.File("plugins"), "Updatable"));
        TestPlugins.InstallAs(daemon.Directory.File("plugins"), "UpdatableSecond", "Updatable");

        // Nothing to await for a thing that must not happen: a restart is the way a change is taken.
        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.restart"));
        await LifecycleTests.WaitUntilAsync(() => LifecycleTests.CountOf(daemon.LogPath, "supervisord started with pid") == 2);
        Assert.DoesNotContain("reloaded from", await File.ReadAllTextAsync(daemon.LogPath));
        await LifecycleTests.WaitUntilAsync(async () => (await daemon.Unix.CallAsync("updatable.build")).Value as string == "second");
    }

    private static string? ProgramState(object? info) => ((Dictionary<string, object?>)info!)["statename"] as string;
}
