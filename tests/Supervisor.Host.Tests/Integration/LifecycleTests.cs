using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Integration;

/// <summary>Shutdown, restart, clearLog and signals, each on its own daemon.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task ShutdownAnswersTrueThenTheDaemonExitsAndCleansUp()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var pidFile = daemon.Directory.File("supervisord.pid");
        Assert.Equal($"{daemon.Process.Pid}\n", await File.ReadAllTextAsync(pidFile));

        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.shutdown"));
        Assert.Equal(0, await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(pidFile));
        Assert.False(File.Exists(daemon.SocketPath));
    }

    [Fact]
    public async Task RestartKeepsThePidAndReloadsPlugins()
    {
        await using var daemon = await RunningDaemon.StartAsync(SampleDaemonFixture.Config);
        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.restart"));
        await WaitUntilAsync(() => CountOf(daemon.LogPath, "supervisord started with pid") == 2);

        // The restarted daemon re-read its config: a changed identifier shows.
        await File.WriteAllTextAsync(daemon.ConfigPath, (await File.ReadAllTextAsync(daemon.ConfigPath)).Replace("identifier = test-daemon", "identifier = renamed"));
        daemon.Process.Signal(Signals.Hup);
        await WaitUntilAsync(() => CountOf(daemon.LogPath, "supervisord started with pid") == 3);
        await WaitUntilAsync(async () => (await daemon.Unix.CallAsync("supervisor.getIdentification")).Value as string == "renamed");

        Assert.Equal(daemon.Process.Pid, await daemon.Unix.ValueAsync("supervisor.getPID"));
        Assert.Equal(1, await daemon.Tcp.ValueAsync("another.getRetries"));
        Assert.Equal(3, CountOf(daemon.LogPath, "RPC interface 'another' initialized"));
        Assert.Contains("WARN received SIGHUP indicating restart request", await File.ReadAllTextAsync(daemon.LogPath));
    }

    [Fact]
    public async Task WithoutNodaemonTheDaemonDetachesAndKeepsServing()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections, dir.Path, dir.File("s.sock"), FreePort.Next()));
        var (exitCode, stdout, stderr) = await DaemonProcess.RunToExitAsync("-c", config);
        Assert.Equal(0, exitCode);
        Assert.Equal("", stdout + stderr);

        using var client = RpcClient.ForUnixSocket(dir.File("s.sock"));
        await WaitUntilAsync(() => File.Exists(dir.File("supervisord.pid")) && File.Exists(dir.File("s.sock")));
        var pid = int.Parse((await File.ReadAllTextAsync(dir.File("supervisord.pid"))).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(pid, await client.ValueAsync("supervisor.getPID"));

        // Detached: its own session, no controlling terminal, stdio on /dev/null.
        var stat = (await File.ReadAllTextAsync($"/proc/{pid}/stat")).Split(' ');
        Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), stat[5]);
        Assert.Equal("/dev/null", new FileInfo($"/proc/{pid}/fd/1").LinkTarget);

        Assert.Equal(true, await client.ValueAsync("supervisor.shutdown"));
        await WaitUntilAsync(() => !Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z");
    }

    [Fact]
    public async Task WithoutNodaemonTheCommandReturnsOnlyOnceTheBackgroundDaemonServesAndItsChildrenRun()
    {
        using var dir = new TempDirectory();
        var template = RunningDaemon.StandardSections + "\n[program:bg]\ncommand = sleep 1000\nstartsecs = 0\n";
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(template, dir.Path, dir.File("s.sock"), FreePort.Next()));
        var (exitCode, _, _) = await DaemonProcess.RunToExitAsync("-c", config);
        Assert.Equal(0, exitCode);

        // No waiting: the socket answers as soon as the command has returned.
        using var client = RpcClient.ForUnixSocket(dir.File("s.sock"));
        var pid = (int)(await client.ValueAsync("supervisor.getPID"))!;
        await WaitUntilAsync(async () => (await client.CallAsync("supervisor.getProcessInfo", "bg")).Value is Dictionary<string, object?> info && (string)info["statename"]! == "RUNNING");

        // The children are not in the launcher's session either.
        var child = (int)((Dictionary<string, object?>)(await client.ValueAsync("supervisor.getProcessInfo", "bg"))!)["pid"]!;
        Assert.Equal(
            (await File.ReadAllTextAsync($"/proc/{pid}/stat")).Split(' ')[5],
            (await File.ReadAllTextAsync($"/proc/{child}/stat")).Split(' ')[5]);
        Assert.Equal(true, await client.ValueAsync("supervisor.shutdown"));
        await WaitUntilAsync(() => !Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z");
        Assert.False(Support.SupervisedPrograms.IsAlive(child));
    }

    [Fact]
    public async Task WithoutNodaemonAStartUpFailureOfTheBackgroundDaemonIsShownAndEndsTheCommand()
    {
        using var dir = new TempDirectory();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var busyPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections, dir.Path, dir.File("s.sock"), busyPort));
        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync("-c", config);
        Assert.Equal(2, exitCode);
        Assert.Contains("Another program is already listening", stderr);
    }

    [Fact]
    public async Task ShutdownStateRefusesFurtherCalls()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var calls = new object?[]
        {
            new Dictionary<string, object?> { ["methodName"] = "supervisor.shutdown", ["params"] = Array.Empty<object?>() },
            new Dictionary<string, object?> { ["methodName"] = "supervisor.getState", ["params"] = Array.Empty<object?>() },
            new Dictionary<string, object?> { ["methodName"] = "system.listMethods", ["params"] = Array.Empty<object?>() },
        };
        var results = (object?[])(await daemon.Unix.ValueAsync("system.multicall", [calls]))!;
        Assert.Equal(new object?[] { true }, results[0]);
        var fault = (Dictionary<string, object?>)results[1]!;
        Assert.Equal(6, fault["faultCode"]);
        Assert.Equal("SHUTDOWN_STATE", fault["faultString"]);
        Assert.IsType<object?[]>(results[2]);
        Assert.Equal(0, await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [Theory]
    [InlineData(Signals.Term, "SIGTERM")]
    [InlineData(Signals.Int, "SIGINT")]
    [InlineData(Signals.Quit, "SIGQUIT")]
    public async Task TerminationSignalsShutDown(int signal, string name)
    {
        await using var daemon = await RunningDaemon.StartAsync();
        daemon.Process.Signal(signal);
        Assert.Equal(0, await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains($"WARN received {name} indicating exit request", await File.ReadAllTextAsync(daemon.LogPath));
    }

    [Fact]
    public async Task Usr2ReopensTheMainLog()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var moved = daemon.LogPath + ".moved";
        File.Move(daemon.LogPath, moved);
        daemon.Process.Signal(Signals.Usr2);
        await WaitUntilAsync(() => File.Exists(daemon.LogPath));
        await WaitUntilAsync(() => CountOf(daemon.LogPath, "supervisord logreopen") == 1);
        Assert.Contains("received SIGUSR2 indicating log reopen request", await File.ReadAllTextAsync(moved));
    }

    [Fact]
    public async Task ClearLogEmptiesTheMainLog()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        Assert.Contains("supervisord started with pid", await File.ReadAllTextAsync(daemon.LogPath));
        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.clearLog"));
        Assert.DoesNotContain("supervisord started with pid", await File.ReadAllTextAsync(daemon.LogPath));
    }

    [Fact]
    public async Task MainLogLinesHaveTheReferenceFormat()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var lines = await File.ReadAllLinesAsync(daemon.LogPath);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO RPC interface 'supervisor' initialized$"));
        Assert.Contains(lines, l => l.EndsWith($" INFO supervisord started with pid {daemon.Process.Pid}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(" CRIT Server 'unix_http_server' running without any HTTP authentication checking", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MinprocsRaisesTheSoftProcessLimitAtStartUp()
    {
        // (.NET itself lifts the soft open-files limit to the hard one at start, so RLIMIT_NPROC shows the raise.)
        using var dir = new TempDirectory();
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections + "\n[supervisord]\nminprocs = 150\n", dir.Path, dir.File("s.sock"), FreePort.Next()));
        using var probe = RpcClient.ForUnixSocket(dir.File("s.sock"));
        await using var daemon = await DaemonProcess.StartUnderAsync(["prlimit", "--nproc=100:"], config, async () => !(await probe.CallAsync("system.listMethods")).IsFault);
        Assert.Equal(150, SoftLimit($"/proc/{daemon.Pid}/limits", "Max processes"));
        Assert.Contains("INFO Increased RLIMIT_NPROC limit to 150", await File.ReadAllTextAsync(dir.File("supervisord.log")));
    }

    [Fact]
    public async Task MinfdsAboveAHardLimitThatCannotBeRaisedStopsStartUp()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections + "\n[supervisord]\nminfds = 900\n", dir.Path, dir.File("s.sock"), FreePort.Next()));

        // As an unprivileged limit: a hard limit of 800 that the daemon may not raise (run under setpriv to drop CAP_SYS_RESOURCE).
        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync(
            ["prlimit", "--nofile=800:800", "setpriv", "--inh-caps=-sys_resource", "--bounding-set=-sys_resource"], "-n", "-c", config);
        Assert.Equal(2, exitCode);
        Assert.Contains("Error: The minimum number of file descriptors required to run this process is 900 as per the \"minfds\" command-line argument or config file setting. The current environment will only allow you to open 800 file descriptors.", stderr);
    }

    [RootFact]
    public async Task UserDropsPrivilegesBeforeListening()
    {
        using var dir = new TempDirectory();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_111_111);
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections + "\n[supervisord]\nuser = nobody\n", dir.Path, dir.File("s.sock"), FreePort.Next()));
        using var probe = RpcClient.ForUnixSocket(dir.File("s.sock"));
        await using var daemon = await DaemonProcess.StartAsync(config, async () => !(await probe.CallAsync("system.listMethods")).IsFault);

        var uids = File.ReadAllLines($"/proc/{daemon.Pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        Assert.Equal(["65534", "65534", "65534", "65534"], uids.Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        var log = await File.ReadAllTextAsync(dir.File("supervisord.log"));
        Assert.Contains("INFO Set uid to user 65534 succeeded", log);
        Assert.DoesNotContain("Supervisor is running as root", log);
    }

    [RootFact]
    public async Task ANonRootDaemonCannotSwitchUser()
    {
        using var dir = new TempDirectory();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_111_111);
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections + "\n[supervisord]\nuser = root\n", dir.Path, dir.File("s.sock"), FreePort.Next()));
        File.SetUnixFileMode(config, (UnixFileMode)0b110_110_110);
        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], "-n", "-c", config);
        Assert.Equal(2, exitCode);
        Assert.Contains("Error: Can't drop privilege as nonroot user", stderr);
    }

    private static long SoftLimit(string limitsFile, string name)
    {
        var line = File.ReadAllLines(limitsFile).Single(l => l.StartsWith(name, StringComparison.Ordinal));
        return long.Parse(line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static int CountOf(string path, string text) =>
        File.Exists(path) ? File.ReadAllText(path).Split(text).Length - 1 : 0;

    internal static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // The daemon is between generations.
            }

            await Task.Delay(50);
        }

        Assert.Fail("condition not met within 20 s");
    }
}
