using System.Diagnostics;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Resilience;

/// <summary>
/// Issue 11 item 2: the unix socket must never accept a connection while its permissions are wider
/// than configured. The daemon runs with umask 000 (so a freshly bound socket file is 0777) and the
/// default <c>chmod = 0700</c>; an unprivileged process loops on <c>connect()</c> from before the
/// daemon starts until after ten SIGHUP reloads. Before the fix the socket accepted for the few
/// milliseconds before its chmod, and the loop got a root RPC session at every start.
/// </summary>
public sealed class UnixSocketRaceTests
{
    private const string Attacker = """
        import os, socket, sys
        path, stop = sys.argv[1], sys.argv[2]
        body = b"<?xml version='1.0'?><methodCall><methodName>supervisor.getState</methodName><params></params></methodCall>"
        request = b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(body) + body
        attempts = connected = answered = 0
        print("ready", flush=True)
        while attempts % 1000 or not os.path.exists(stop):
            attempts += 1
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(path)
            except OSError:
                s.close()
                continue
            connected += 1
            try:
                s.settimeout(5)
                s.sendall(request)
                if s.recv(4096).startswith(b"HTTP/1.1 200"):
                    answered += 1
            except OSError:
                pass
            s.close()
        print(attempts, connected, answered, flush=True)
        """;

    /// <summary>The window lasted a few milliseconds at each start; ten reloads made the old code fail every time.</summary>
    private const int Reloads = 10;

    [RootFact("to try the socket as an unprivileged user")]
    public async Task AnUnprivilegedProcessNeverConnectsAcrossStartAndReloads()
    {
        using var directory = new TempDirectory();
        File.SetUnixFileMode(directory.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        var socketPath = directory.File("s.sock");
        var stopFile = directory.File("stop");
        var script = directory.WriteExecutable("attacker.py", Attacker);
        var config = directory.Write("supervisord.conf", $"""
            [unix_http_server]
            file = {socketPath}

            [supervisord]
            logfile = {directory.File("supervisord.log")}
            pidfile = {directory.File("supervisord.pid")}

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
            """);

        using var attacker = Process.Start(new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", script, socketPath, stopFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        Assert.Equal("ready", await attacker.StandardOutput.ReadLineAsync());

        using var probe = RpcClient.ForUnixSocket(socketPath);
        await using (var daemon = await DaemonProcess.StartUnderAsync(
            ["sh", "-c", "umask 000; exec \"$0\" \"$@\""],
            config,
            async () => !(await probe.CallAsync("supervisor.getState")).IsFault))
        {
            for (var reload = 1; reload <= Reloads; reload++)
            {
                daemon.Signal(1);
                await WaitForStartsAsync(directory.File("supervisord.log"), reload + 1);
            }

            Assert.False((await probe.CallAsync("supervisor.getState")).IsFault);
        }

        await File.WriteAllTextAsync(stopFile, "");
        var counts = (await attacker.StandardOutput.ReadLineAsync())!.Split(' ').Select(int.Parse).ToArray();
        await attacker.WaitForExitAsync();

        Assert.True(counts[0] > 1000, $"the attacker should have tried many times, tried {counts[0]}; stderr: {await attacker.StandardError.ReadToEndAsync()}");
        Assert.Equal(0, counts[1]);
        Assert.Equal(0, counts[2]);
    }

    private static async Task WaitForStartsAsync(string logPath, int starts)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (CountStarts(logPath) < starts)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the daemon did not start {starts} times");
            await Task.Delay(50);
        }

        // The line is written once the socket serves; a little longer for the attacker to try it.
        await Task.Delay(200);
    }

    private static int CountStarts(string logPath) =>
        File.Exists(logPath) ? File.ReadLines(logPath).Count(line => line.Contains("supervisord started with pid", StringComparison.Ordinal)) : 0;
}
