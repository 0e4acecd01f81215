using Supervisor.Host.Tests.Integration;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Plugins;

/// <summary>
/// A plugin's files changed under the running daemon, as its author would change them: rebuilt and copied
/// over, the folder replaced, a file overwritten, a file damaged. The daemon never aborts, a restart always
/// loads the files as they are then, and a plugin that cannot be loaded is an error naming its section.
/// </summary>
public sealed class PluginUpdateTests
{
    private const string Sections = RunningDaemon.StandardSections + """
        [supervisord]
        plugins = {dir}/plugins

        [rpcinterface:updatable]
        supervisor.rpcinterface_factory = TestPlugins.Updatable.Factory:Make
        """;

    private static Task<RunningDaemon> StartAsync() =>
        RunningDaemon.StartAsync(Sections, dir => TestPlugins.Install(dir.File("plugins"), "Updatable"));

    private static async Task RestartAsync(RunningDaemon daemon, int startsBefore)
    {
        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.restart"));
        await LifecycleTests.WaitUntilAsync(() => LifecycleTests.CountOf(daemon.LogPath, "supervisord started with pid") == startsBefore + 1);
        await LifecycleTests.WaitUntilAsync(async () => !(await daemon.Unix.CallAsync("updatable.build")).IsFault);
    }

    [Fact]
    public async Task ARebuiltPluginCopiedOverTheLiveOneIsServedAfterARestart()
    {
        // Once an abort (exit 134): the runtime had the old file mapped and read the new, larger one through
        // it ("Invalid assembly public key"), and PluginHost caught only three exception types.
        await using var daemon = await StartAsync();
        Assert.Equal("first", await daemon.Unix.ValueAsync("updatable.build"));
        var before = new FileInfo(daemon.Directory.File("plugins/Updatable/Updatable.dll")).Length;

        TestPlugins.InstallAs(daemon.Directory.File("plugins"), "UpdatableSecond", "Updatable");
        Assert.NotEqual(before, new FileInfo(daemon.Directory.File("plugins/Updatable/Updatable.dll")).Length);
        await RestartAsync(daemon, startsBefore: 1);

        Assert.Equal("second", await daemon.Unix.ValueAsync("updatable.build"));
        Assert.Equal("secondsecondsecond", await daemon.Tcp.ValueAsync("updatable.onlyInTheSecondBuild"));
        Assert.Equal(daemon.Process.Pid, await daemon.Unix.ValueAsync("supervisor.getPID"));
    }

    [Fact]
    public async Task AReplacedPluginFolderIsServedAfterARestart()
    {
        // Once the old code kept serving: the runtime's image cache, keyed by path, still held the old file.
        await using var daemon = await StartAsync();
        Assert.Equal("first", await daemon.Unix.ValueAsync("updatable.build"));

        Directory.Delete(daemon.Directory.File("plugins/Updatable"), recursive: true);
        TestPlugins.InstallAs(daemon.Directory.File("plugins"), "UpdatableSecond", "Updatable");
        await RestartAsync(daemon, startsBefore: 1);

        Assert.Equal("second", await daemon.Unix.ValueAsync("updatable.build"));
    }

    [Fact]
    public async Task APluginOverwrittenWhileRunningKeepsServingItsLoadedCode()
    {
        // Once BadImageFormatException on the next call: the loaded assembly was the file itself, mapped.
        await using var daemon = await StartAsync();
        Assert.Equal("first", await daemon.Unix.ValueAsync("updatable.build"));

        TestPlugins.InstallAs(daemon.Directory.File("plugins"), "UpdatableSecond", "Updatable");
        File.WriteAllBytes(daemon.Directory.File("plugins/Updatable/Updatable.pdb"), [1, 2, 3]);

        File.Copy(ZlibPath(), daemon.Directory.File("plugins/Updatable/libupdatablenative.so"), overwrite: true);

        // Methods not called before run now, compiled from the copy the daemon read at start-up.
        Assert.Equal("first", await daemon.Unix.ValueAsync("updatable.build"));
        Assert.StartsWith("1.", (string)(await daemon.Unix.ValueAsync("updatable.nativeVersion"))!);
        Assert.True((await daemon.Unix.CallAsync("updatable.onlyInTheSecondBuild")).IsFault);
    }

    [Fact]
    public async Task ADamagedPluginAtRestartIsAnErrorNamingTheSectionNotAnAbort()
    {
        // What the daemon does then, as 4.2.5 does with an rpcinterface it cannot make at a restart: the
        // error on stderr and in the main log, exit status 2, the pidfile and socket removed.
        await using var daemon = await StartAsync();
        Assert.Equal("first", await daemon.Unix.ValueAsync("updatable.build"));

        await File.WriteAllTextAsync(daemon.Directory.File("plugins/Updatable/Updatable.dll"), "this is not an assembly");
        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.restart"));

        Assert.Equal(2, await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var expected = "[rpcinterface:updatable] supervisor.rpcinterface_factory: TestPlugins.Updatable.Factory:Make cannot be resolved within [rpcinterface:updatable]";
        Assert.Contains("Error: " + expected, daemon.Process.Output);
        Assert.Contains("Updatable.dll: ", daemon.Process.Output);
        Assert.Contains(expected, await File.ReadAllTextAsync(daemon.LogPath));
        Assert.DoesNotContain("Unhandled exception", daemon.Process.Output);
        Assert.False(File.Exists(daemon.Directory.File("supervisord.pid")));
        Assert.False(File.Exists(daemon.SocketPath));
    }

    [Fact]
    public async Task APluginFindsANativeLibraryInItsOwnFolder()
    {
        await using var daemon = await RunningDaemon.StartAsync(Sections, dir =>
        {
            TestPlugins.Install(dir.File("plugins"), "Updatable");
            File.Copy(ZlibPath(), dir.File("plugins/Updatable/libupdatablenative.so"));
        });
        Assert.Matches(@"^1\.\d+", (string)(await daemon.Unix.ValueAsync("updatable.nativeVersion"))!);
    }

    [Fact]
    public async Task APluginUsesRealCulturesWhileTheDaemonsOwnTextStaysInvariant()
    {
        // Once FAILED: TypeInitializationException, the host running in invariant-globalization mode.
        await using var daemon = await StartAsync();
        Assert.Equal("1.234,5", await daemon.Unix.ValueAsync("updatable.germanNumber"));
        Assert.StartsWith("janvier,février,mars", (string)(await daemon.Tcp.ValueAsync("updatable.frenchMonths"))!);
    }

    private static string ZlibPath() =>
        new[] { "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/aarch64-linux-gnu/libz.so.1", "/usr/lib/libz.so.1", "/lib/libz.so.1" }
            .First(File.Exists);
}
