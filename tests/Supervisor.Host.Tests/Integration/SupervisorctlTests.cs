using System.Diagnostics;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Integration;

/// <summary>The real supervisorctl 4.2.5 against our daemon, for the commands the daemon-level methods serve.</summary>
public sealed class SupervisorctlTests
{
    private static async Task<(int ExitCode, string Output)> CtlAsync(string serverUrl, params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/supervisorctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-s");
        info.ArgumentList.Add(serverUrl);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [SupervisorctlFact]
    public async Task PidVersionAndMaintailWork()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        Assert.Equal((0, $"{daemon.Process.Pid}\n"), await CtlAsync(daemon.UnixUrl, "pid"));
        Assert.Equal((0, "4.2.5\n"), await CtlAsync(daemon.TcpUrl, "version"));
        var (exitCode, tail) = await CtlAsync(daemon.UnixUrl, "maintail", "-200");
        Assert.Equal(0, exitCode);
        Assert.Contains($"supervisord started with pid {daemon.Process.Pid}", tail);
    }

    [SupervisorctlFact]
    public async Task ReloadRestartsInPlaceAndShutdownStops()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var (reloadExit, reloaded) = await CtlAsync(daemon.UnixUrl, "reload");
        Assert.Equal(0, reloadExit);
        Assert.Contains("Restarted supervisord", reloaded);
        await LifecycleTests.WaitUntilAsync(() => LifecycleTests.CountOf(daemon.LogPath, "supervisord started with pid") == 2);
        Assert.Equal((0, $"{daemon.Process.Pid}\n"), await CtlAsync(daemon.UnixUrl, "pid"));

        var (shutdownExit, shutdown) = await CtlAsync(daemon.UnixUrl, "shutdown");
        Assert.Equal(0, shutdownExit);
        Assert.Contains("Shut down", shutdown);
        Assert.Equal(0, await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [SupervisorctlFact]
    public async Task CredentialsAreRequiredAndAccepted()
    {
        const string config = """
            [unix_http_server]
            file = {sock}
            username = ops
            password = s3cret

            [supervisord]
            logfile = {dir}/supervisord.log
            pidfile = {dir}/supervisord.pid

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
            """;
        await using var daemon = await RunningDaemon.StartAsync(config, username: "ops", password: "s3cret");
        var (_, refused) = await CtlAsync(daemon.UnixUrl, "pid");
        Assert.Contains("Server requires authentication", refused);
        Assert.Equal((0, $"{daemon.Process.Pid}\n"), await CtlAsync(daemon.UnixUrl, "-u", "ops", "-p", "s3cret", "pid"));
    }
}
