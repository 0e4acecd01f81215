using System.Diagnostics;
using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Compat;

/// <summary>Which daemon serves one side of a side-by-side run.</summary>
public enum Implementation
{
    /// <summary>Python's supervisord 4.2.5: <c>/usr/bin/supervisord -n -c FILE</c>.</summary>
    Reference,

    /// <summary>This project's daemon: <c>dotnet supervisord.dll -n -c FILE</c>.</summary>
    Ours,
}

/// <summary>
/// One daemon (the reference or ours) started in the foreground on a config file, with its output kept
/// for failure messages. Start-up waits until <c>supervisor.getState</c> answers on the unix socket.
/// </summary>
internal sealed class CompatDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CompatDaemon(Implementation implementation, Process process)
    {
        Implementation = implementation;
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Implementation Implementation { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ProcessStartInfo StartInfo(Implementation implementation, string configPath)
    {
        var info = implementation == Implementation.Reference
            ? new ProcessStartInfo("/usr/bin/supervisord")
            : new ProcessStartInfo("dotnet") { ArgumentList = { TestPaths.SupervisordDll } };
        foreach (var arg in new[] { "-n", "-c", configPath })
        {
            info.ArgumentList.Add(arg);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }

    /// <param name="exitIsAnOutcome">
    /// The daemon may exit on its own before it answers (a config that shuts it down at once, like the
    /// issue-733 listener): return it instead of failing, so the caller can look at how it exited.
    /// </param>
    public static async Task<CompatDaemon> StartAsync(Implementation implementation, string configPath, string socketPath, bool exitIsAnOutcome = false)
    {
        var daemon = new CompatDaemon(implementation, Process.Start(StartInfo(implementation, configPath))!);
        using var probe = RpcClient.ForUnixSocket(socketPath);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (daemon.HasExited && exitIsAnOutcome)
            {
                return daemon;
            }

            if (daemon.HasExited)
            {
                throw new InvalidOperationException($"{implementation} supervisord exited with {daemon._process.ExitCode} during start-up:\n{daemon.Output}");
            }

            try
            {
                if (!(await probe.CallAsync("supervisor.getState")).IsFault)
                {
                    return daemon;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        await daemon.DisposeAsync();
        throw new TimeoutException($"{implementation} supervisord did not become ready:\n{daemon.Output}");
    }

    /// <summary>The exit code once the daemon has exited within <paramref name="timeout"/>; null if it is still running.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// SIGTERM (the daemon stops its children), then SIGKILL to the whole tree if it hangs; children the
    /// daemon had when it was asked to stop and left behind (re-parented to init) are killed too.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            var children = ChildrenOf(_process.Id);
            _ = Signals.Send(_process.Id, Signals.Term);
            if (await WaitForExitAsync(TimeSpan.FromSeconds(30)) is null)
            {
                _process.Kill(entireProcessTree: true);
                await WaitForExitAsync(TimeSpan.FromSeconds(5));
            }

            foreach (var child in children.Where(c => ParentOf(c) == 1))
            {
                _ = Signals.Send(child, Signals.Kill);
            }
        }

        _process.Dispose();
    }

    /// <summary>The pids whose parent is <paramref name="pid"/>, from /proc.</summary>
    private static List<int> ChildrenOf(int pid) =>
        [.. System.IO.Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0)
            .Where(p => p > 0 && ParentOf(p) == pid)];

    /// <summary>The parent pid of <paramref name="pid"/>, 0 when it is gone.</summary>
    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
