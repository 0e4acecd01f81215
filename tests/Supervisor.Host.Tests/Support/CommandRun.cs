using System.Diagnostics;

namespace Supervisor.Host.Tests.Support;

/// <summary>Runs a command to completion with both outputs captured and a bound on how long it may take.</summary>
internal static class CommandRun
{
    /// <summary>The start info for <paramref name="file"/> with <paramref name="arguments"/>, both outputs redirected, no shell.</summary>
    public static ProcessStartInfo Info(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>The reference's <c>supervisorctl -c CONFIG words...</c>.</summary>
    public static ProcessStartInfo Supervisorctl(string configPath, IEnumerable<string> words) =>
        Info("/usr/bin/supervisorctl", ["-c", configPath, .. words]);

    /// <summary>
    /// Runs <paramref name="info"/> (outputs redirected) until it exits; after <paramref name="timeout"/>
    /// kills it and reports <c>TimedOut</c> with what it had printed (exit code -1).
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr, bool TimedOut)> RunAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            return (-1, await stdout, await stderr, true);
        }

        return (process.ExitCode, await stdout, await stderr, false);
    }
}
