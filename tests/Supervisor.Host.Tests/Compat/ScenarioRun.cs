using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Compat;

/// <summary>One process line of <c>supervisorctl status</c>.</summary>
internal sealed record StatusLine(string State, string Description)
{
    public int Pid => Description.StartsWith("pid ", StringComparison.Ordinal)
        ? int.Parse(Description[4..Description.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture)
        : 0;
}

/// <summary>
/// One scenario against one daemon: its own temp directory (scripts, config, socket, logs), the daemon,
/// and the normalized transcript of every supervisorctl invocation.
/// </summary>
internal sealed partial class ScenarioRun : IAsyncDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(40);
    private readonly StringBuilder _transcript = new();
    private CompatDaemon? _daemon;
    private bool _gaveUpWaiting;
    private string _lastStatusOutput = "";

    private ScenarioRun(Implementation implementation, TempDirectory directory)
    {
        Implementation = implementation;
        Directory = directory;
        SocketPath = directory.File("s.sock");
        Port = FreePort.Next();
        ConfigPath = directory.File("supervisord.conf");
    }

    public Implementation Implementation { get; }

    public TempDirectory Directory { get; }

    public string SocketPath { get; }

    public int Port { get; }

    public string ConfigPath { get; }

    public CompatDaemon Daemon => _daemon ?? throw new InvalidOperationException("the daemon is not started");

    /// <summary>Values a step keeps for a later one (e.g. pids before a reload).</summary>
    public Dictionary<string, string> Saved { get; } = [];

    public string Text => _transcript.ToString();

    /// <summary>Runs <paramref name="scenario"/> against <paramref name="implementation"/> and returns the normalized transcript.</summary>
    public static async Task<string> TranscriptAsync(Implementation implementation, Scenario scenario)
    {
        await using var run = new ScenarioRun(implementation, new TempDirectory());
        try
        {
            await run.StartAsync(scenario.Template);
            await run.WaitForAsync("start-up settled", Scenario.Settled([.. scenario.NeverStarted ?? []]));
            foreach (var step in scenario.Steps)
            {
                await step.RunAsync(run);
            }
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{implementation} run of '{scenario.Name}' failed: {e.Message}\n--- transcript so far ---\n{run.Text}\n--- daemon output ---\n{run._daemon?.Output}", e);
        }

        return run.Text;
    }

    public void WriteConfig(string template)
    {
        File.WriteAllText(ConfigPath, RunningDaemon.Expand(template, Directory.Path, SocketPath, Port));
    }

    public void Record(string text) => _transcript.Append(text);

    public string Normalize(string text) => Transcript.Normalize(text, Directory.Path);

    /// <summary>Runs <c>supervisorctl -c CONF words...</c> to completion.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> CtlAsync(IEnumerable<string> words)
    {
        var (code, stdout, stderr, timedOut) = await CommandRun.RunAsync(CommandRun.Supervisorctl(ConfigPath, words), TimeSpan.FromSeconds(90));
        return (code, stdout, timedOut ? stderr + "\n[supervisorctl timed out after 90 s]" : stderr);
    }

    /// <summary>
    /// Runs a following supervisorctl command and interrupts it with SIGINT (as Ctrl-C would) once it has
    /// printed its banner (or exited), at least <paramref name="after"/> has passed since, and its output
    /// has been quiet for 0.7 s. Keyed to output, not time: a loaded machine can take seconds to import Python.
    /// </summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> CtlInterruptedAsync(IEnumerable<string> words, TimeSpan after)
    {
        using var process = Process.Start(CommandRun.Supervisorctl(ConfigPath, words))!;
        var stdout = new OutputCapture(process.StandardOutput);
        var stderr = process.StandardError.ReadToEndAsync();

        var deadline = DateTime.UtcNow + WaitLimit;
        while (!process.HasExited && !stdout.Text.Contains('\n', StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var bannerAt = DateTime.UtcNow;
        var (length, quietSince) = (stdout.Text.Length, DateTime.UtcNow);
        while (!process.HasExited && DateTime.UtcNow < deadline && (DateTime.UtcNow - bannerAt < after || DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(0.7)))
        {
            await Task.Delay(50);
            if (stdout.Text.Length != length)
            {
                (length, quietSince) = (stdout.Text.Length, DateTime.UtcNow);
            }
        }

        if (!process.HasExited)
        {
            _ = Kill(process.Id, 2);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
        }

        await stdout.Completion;
        return (process.ExitCode, stdout.Text, await stderr);
    }

    /// <summary>The process lines of <c>supervisorctl status</c>, or null when it printed anything else (daemon restarting, down...).</summary>
    public async Task<Dictionary<string, StatusLine>?> StatusAsync()
    {
        var (_, stdout, stderr) = await CtlAsync(["status"]);
        _lastStatusOutput = (stdout + stderr).Trim();
        var result = new Dictionary<string, StatusLine>();
        foreach (var line in stdout.Split('\n').Where(l => l.Length > 0))
        {
            var match = StatusPattern().Match(line);
            if (!match.Success)
            {
                return null;
            }

            result[match.Groups[1].Value] = new StatusLine(match.Groups[2].Value, match.Groups[3].Value);
        }

        return stderr.Length == 0 && result.Count > 0 ? result : null;
    }

    /// <summary>
    /// Polls <c>supervisorctl status</c> until <paramref name="condition"/> holds. Records a line either way,
    /// so a timeout shows up in the transcript diff (with the last status) instead of hiding.
    /// </summary>
    /// <remarks>After one wait has timed out the later ones do not wait (the transcripts differ already; a daemon that cannot get there should fail fast).</remarks>
    public async Task WaitForAsync(string description, Func<Dictionary<string, StatusLine>, ScenarioRun, bool> condition)
    {
        if (SkipWait(description))
        {
            return;
        }

        var deadline = DateTime.UtcNow + WaitLimit;
        Dictionary<string, StatusLine>? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await StatusAsync();
            if (last is not null && condition(last, this))
            {
                Record($"# waited until {description}\n");
                return;
            }

            await Task.Delay(100);
        }

        var shown = last is null ? $"(no status: {_lastStatusOutput.Split('\n')[0]})" : string.Join("; ", last.Select(p => $"{p.Key} {p.Value.State}"));
        _gaveUpWaiting = true;
        Record(Normalize($"# TIMED OUT waiting until {description}; last status: {shown}\n"));
    }

    /// <summary>Polls a supervisorctl command until its stdout satisfies <paramref name="condition"/>.</summary>
    public async Task WaitForOutputAsync(string description, IReadOnlyList<string> words, Func<string, bool> condition)
    {
        if (SkipWait(description))
        {
            return;
        }

        var deadline = DateTime.UtcNow + WaitLimit;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            (_, last, _) = await CtlAsync(words);
            if (condition(last))
            {
                Record($"# waited until {description}\n");
                return;
            }

            await Task.Delay(100);
        }

        _gaveUpWaiting = true;
        Record(Normalize($"# TIMED OUT waiting until {description}; last output: {last.Replace('\n', '|')}\n"));
    }

    private bool SkipWait(string description)
    {
        if (_gaveUpWaiting || _daemon is { HasExited: true })
        {
            Record($"# NOT WAITING until {description}: an earlier wait timed out or the daemon is gone\n");
            return true;
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        Directory.Dispose();
    }

    private async Task StartAsync(string template)
    {
        foreach (var (name, body) in Scenario.Scripts)
        {
            Directory.WriteExecutable(name, body);
        }

        WriteConfig(template);
        _daemon = await CompatDaemon.StartAsync(Implementation, ConfigPath, SocketPath);
    }

    [GeneratedRegex(@"^(\S+)\s+(STOPPED|STARTING|RUNNING|BACKOFF|STOPPING|EXITED|FATAL|UNKNOWN)\b\s*(.*)$")]
    private static partial Regex StatusPattern();

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
