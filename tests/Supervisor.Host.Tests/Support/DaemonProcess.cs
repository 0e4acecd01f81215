using System.Diagnostics;
using System.Text;

namespace Supervisor.Host.Tests.Support;

/// <summary>
/// The real daemon (<c>dotnet supervisord.dll -n -c FILE</c>) as a child process of the test, with its
/// output collected so a failing test can show it.
/// </summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DaemonProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    /// <summary>Starts the daemon and waits until <paramref name="ready"/> answers (e.g. a getState call succeeds).</summary>
    public static Task<DaemonProcess> StartAsync(string configPath, Func<Task<bool>> ready, params string[] extraArgs) =>
        StartUnderAsync([], configPath, ready, extraArgs);

    /// <summary>Like <see cref="StartAsync"/>, with a launcher command in front (e.g. <c>prlimit --nofile=1000:</c>).</summary>
    public static async Task<DaemonProcess> StartUnderAsync(IReadOnlyList<string> launcher, string configPath, Func<Task<bool>> ready, params string[] extraArgs)
    {
        var daemon = new DaemonProcess(Process.Start(StartInfo(["-n", "-c", configPath, .. extraArgs], launcher))!);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (daemon.HasExited)
            {
                throw new InvalidOperationException($"supervisord exited with {daemon.ExitCode} during start-up:\n{daemon.Output}");
            }

            try
            {
                if (await ready())
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
        throw new TimeoutException($"supervisord did not become ready:\n{daemon.Output}");
    }

    /// <summary>Runs the daemon to completion (for start-up errors and -v/-h) and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(params string[] args) => RunToExitAsync([], args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(IReadOnlyList<string> launcher, params string[] args)
    {
        var (code, stdout, stderr, timedOut) = await CommandRun.RunAsync(StartInfo(args, launcher), TimeSpan.FromSeconds(60));
        return timedOut
            ? throw new TimeoutException($"supervisord {string.Join(' ', args)} did not exit:\n{stdout}\n{stderr}")
            : (code, stdout, stderr);
    }

    public void Signal(int signal)
    {
        if (Signals.Send(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(15);
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyList<string>? launcher = null)
    {
        launcher = [.. launcher ?? [], "dotnet"];
        var info = new ProcessStartInfo(launcher[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var word in launcher.Skip(1))
        {
            info.ArgumentList.Add(word);
        }

        info.ArgumentList.Add(TestPaths.SupervisordDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
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
