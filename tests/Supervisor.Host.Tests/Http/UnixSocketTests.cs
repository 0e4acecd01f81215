using System.Net.Sockets;
using System.Runtime.InteropServices;
using Supervisor.Host.Tests.Integration;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>
/// The unix socket file's life: its mode, stale and live leftovers, removal on exit
/// (<c>supervisor/http.py</c>, <c>supervisor_af_unix_http_server.__init__</c> and <c>checkused</c>); and a busy TCP
/// port (<c>supervisor/options.py</c>, <c>ServerOptions.openhttpservers</c>).
/// </summary>
public sealed partial class UnixSocketTests(SampleDaemonFixture fixture) : IClassFixture<SampleDaemonFixture>
{
    private const string AlreadyListening =
        "Error: Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord.";

    private RunningDaemon Daemon => fixture.Daemon;

    [Fact]
    public void SocketFileModeDefaultsTo0700()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, ModeOf(Daemon.SocketPath));
    }

    [Fact]
    public async Task ChmodIsHonouredAndTheSocketIsRemovedOnShutdown()
    {
        await using var daemon = await RunningDaemon.StartAsync(RunningDaemon.StandardSections.Replace("file = {sock}", "file = {sock}\nchmod = 0760", StringComparison.Ordinal));

        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
            ModeOf(daemon.SocketPath));

        daemon.Process.Signal(Signals.Term);
        Assert.Equal(0, await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(daemon.SocketPath));
    }

    [Fact]
    public async Task TheSocketIsMovedIntoPlaceAndNothingIsLeftBesideIt()
    {
        await using var daemon = await RunningDaemon.StartAsync();

        // It was bound in a private directory beside its path (so nobody reached it before its chmod); that is gone.
        var beside = Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(daemon.SocketPath)!).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["s.sock", "supervisord.conf", "supervisord.log", "supervisord.pid"], beside);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, ModeOf(daemon.SocketPath));
    }

    [RootFact]
    public async Task ChownGivesTheSocketToTheNamedUserAndGroup()
    {
        await using var daemon = await RunningDaemon.StartAsync(RunningDaemon.StandardSections.Replace("file = {sock}", "file = {sock}\nchown = nobody:nogroup", StringComparison.Ordinal));
        var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%U:%G", daemon.SocketPath]) { RedirectStandardOutput = true })!;
        Assert.Equal("nobody:nogroup", (await stat.StandardOutput.ReadToEndAsync()).Trim());
    }

    [Fact]
    public async Task StaleSocketFileIsUnlinkedAndReplaced()
    {
        string? stalePath = null;
        await using var daemon = await RunningDaemon.StartAsync(prepare: directory =>
        {
            // A socket file whose owner is gone. .NET unlinks the path of a bound socket it disposes,
            // so bind elsewhere and leave a hard link behind, as a killed daemon would leave its file.
            stalePath = directory.File("s.sock");
            var boundPath = directory.File("bound.sock");
            using (var leftover = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                leftover.Bind(new UnixDomainSocketEndPoint(boundPath));
                Assert.Equal(0, Link(boundPath, stalePath));
            }

            Assert.True(File.Exists(stalePath));
        });

        Assert.Equal(daemon.SocketPath, stalePath);
        Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getState"))!)["statename"]);
        await LifecycleTests.WaitUntilAsync(() => daemon.Process.Output.Contains($"Unlinking stale socket {stalePath}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondDaemonOnALiveSocketFailsToStartAndLeavesTheFirstOneServing()
    {
        using var directory = new TempDirectory();
        var config = directory.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections, directory.Path, Daemon.SocketPath, FreePort.Next()));

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync("-n", "-c", config);

        Assert.Equal(2, exitCode);
        Assert.StartsWith(AlreadyListening + "\n", stderr, StringComparison.Ordinal);

        // Regression: the failed start used to delete the socket file it had found in use.
        Assert.True(File.Exists(Daemon.SocketPath), "the running daemon's socket file was removed");
        Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await Daemon.Unix.ValueAsync("supervisor.getState"))!)["statename"]);
    }

    [Fact]
    public async Task SecondDaemonThatFailsToStartLeavesTheRunningDaemonsPidfile()
    {
        using var directory = new TempDirectory();
        var pidFile = Daemon.Directory.File("supervisord.pid");
        var config = directory.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections, directory.Path, Daemon.SocketPath, FreePort.Next())
            .Replace($"pidfile = {directory.Path}/supervisord.pid", $"pidfile = {pidFile}", StringComparison.Ordinal));

        var (exitCode, _, _) = await DaemonProcess.RunToExitAsync("-n", "-c", config);

        Assert.Equal(2, exitCode);
        Assert.Equal($"{Daemon.Process.Pid}\n", await File.ReadAllTextAsync(pidFile));
    }

    [Fact]
    public async Task SecondDaemonOnABusyTcpPortFailsToStartAndRemovesItsOwnSocket()
    {
        using var directory = new TempDirectory();
        var ownSocket = directory.File("own.sock");
        var config = directory.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections, directory.Path, ownSocket, Daemon.Port));

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync("-n", "-c", config);

        Assert.Equal(2, exitCode);
        Assert.StartsWith(AlreadyListening + "\n", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(ownSocket));
        Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await Daemon.Tcp.ValueAsync("supervisor.getState"))!)["statename"]);
    }

    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("unix sockets") : File.GetUnixFileMode(path);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);
}
