using System.Diagnostics;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Ctl.Tests.Support;

/// <summary>
/// The NativeAOT <c>supervisorctl</c> under test: <c>SUPERVISORCTL_BINARY</c> when set (CI publishes it
/// first), else published once per test run with <c>dotnet publish src/Ctl -c Release -r linux-x64</c>
/// into <c>artifacts/supervisorctl-tests/</c>.
/// </summary>
internal static class CtlBinary
{
    public const string EnvironmentVariable = "SUPERVISORCTL_BINARY";

    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    public static Task<string> PathAsync() => Published.Value;

    private static async Task<string> PublishAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : throw new InvalidOperationException($"{EnvironmentVariable}={given} does not exist");
        }

        var output = Path.Combine(TestPaths.RepositoryRoot, "artifacts", "supervisorctl-tests");
        var info = CommandRun.Info("dotnet", ["publish", Path.Combine(TestPaths.RepositoryRoot, "src", "Ctl", "Supervisor.Ctl.csproj"), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo"]);
        var (code, stdout, stderr, timedOut) = await CommandRun.RunAsync(info, TimeSpan.FromMinutes(10));
        var binary = Path.Combine(output, "supervisorctl");
        if (code != 0 || timedOut || !File.Exists(binary))
        {
            throw new InvalidOperationException($"dotnet publish src/Ctl failed ({(timedOut ? "timed out" : $"exit {code}")}):\n{stdout}\n{stderr}");
        }

        return binary;
    }
}

/// <summary>The reference client, when installed.</summary>
internal static class ReferenceCtl
{
    public const string Path = "/usr/bin/supervisorctl";

    public const string SkipReason = "the reference supervisorctl is not installed (apt-get install supervisor)";

    public static bool IsInstalled => File.Exists(Path);
}

/// <summary>A test that compares with the reference supervisorctl; skipped with the reason when it is absent (CI installs it).</summary>
public sealed class ReferenceFactAttribute : FactAttribute
{
    public ReferenceFactAttribute()
    {
        if (!ReferenceCtl.IsInstalled)
        {
            Skip = ReferenceCtl.SkipReason;
        }
    }
}

/// <summary>A theory that compares with the reference supervisorctl; skipped with the reason when it is absent.</summary>
public sealed class ReferenceTheoryAttribute : TheoryAttribute
{
    public ReferenceTheoryAttribute()
    {
        if (!ReferenceCtl.IsInstalled)
        {
            Skip = ReferenceCtl.SkipReason;
        }
    }
}

/// <summary>One run of a client: what it printed and how it exited.</summary>
internal sealed record CtlRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>Runs either client with arguments, optional stdin and working directory.</summary>
internal static class Clients
{
    public static async Task<CtlRun> RunAsync(string program, IEnumerable<string> args, string? stdin = null, string? workingDirectory = null, double seconds = 60)
    {
        var info = CommandRun.Info(program, args);
        info.RedirectStandardInput = true;
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not exit within {seconds} s:\n{await stdout}\n{await stderr}");
        }

        return new CtlRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs a following command (<c>tail -f</c>) until it has printed <paramref name="expected"/> at the end of its
    /// output, then sends SIGINT (Ctrl-C) and waits for it: <c>exit N</c>, then stdout, then stderr.
    /// </summary>
    public static async Task<string> FollowUntilInterruptedAsync(string program, IEnumerable<string> args, string expected)
    {
        var info = CommandRun.Info(program, args);
        using var process = Process.Start(info)!;
        var stdout = new OutputCapture(process.StandardOutput);
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!stdout.Text.EndsWith(expected, StringComparison.Ordinal))
        {
            if (clock.Elapsed.TotalSeconds > 30 || process.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"{program} {string.Join(' ', args)} never printed {expected}: {stdout.Text}\n{await stderr}");
            }

            await Task.Delay(20);
        }

        Assert.Equal(0, Signals.Send(process.Id, Signals.Int));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cancel.Token);
        await stdout.Completion;
        return $"exit {process.ExitCode}\n{stdout.Text}{await stderr}";
    }
}
