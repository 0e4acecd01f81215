using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Supervisor.Host.Tests.Compat;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Events.Compat;

/// <summary>One line of a recording listener's JSON-lines file (<c>recording_listener.py</c>).</summary>
internal sealed partial record ListenerRecord(bool Start, int N, string Line, IReadOnlyDictionary<string, string> Headers, string Payload, string Result, string? Action, string? Unexpected, double At)
{
    public string EventName => Headers.GetValueOrDefault("eventname", "");

    public int Serial => int.Parse(Headers.GetValueOrDefault("serial", "-1"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The <c>key:value</c> fields of the payload's first line (process-state and similar payloads).</summary>
    public IReadOnlyDictionary<string, string> Fields => Payload.Split('\n')[0]
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(f => f.Split(':', 2))
        .Where(kv => kv.Length == 2)
        .GroupBy(kv => kv[0])
        .ToDictionary(g => g.Key, g => g.First()[1]);

    public bool IsEvent => !Start && Unexpected is null;

    /// <summary>A process-state event of <paramref name="process"/> named <c>PROCESS_STATE_<paramref name="state"/></c>.</summary>
    public bool IsState(string process, string state) =>
        IsEvent && EventName == "PROCESS_STATE_" + state && Fields.GetValueOrDefault("processname") == process;

    public static ListenerRecord Parse(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var value) ? value.GetString() : null;
        var headers = root.TryGetProperty("headers", out var h)
            ? h.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : [];
        return new ListenerRecord(
            root.TryGetProperty("start", out _),
            root.TryGetProperty("n", out var n) ? n.GetInt32() : 0,
            Text("line") ?? "",
            headers,
            Text("payload") ?? "",
            Text("result") ?? "",
            Text("action"),
            Text("unexpected"),
            root.TryGetProperty("at", out var at) ? at.GetDouble() : 0);
    }

    /// <summary>
    /// One transcript line: the listener's count, the raw header line, the payload (escaped) and the answer.
    /// </summary>
    /// <remarks>
    /// A <c>len</c> that matches the payload's length in characters (what a text-mode listener reads) is shown as
    /// <c>len:&lt;chars&gt;</c>: a payload with a pid has a length that depends on the pid's digits, which
    /// differ between runs. Any other <c>len</c> is shown with both lengths, so a byte count stands out.
    /// </remarks>
    public string Describe()
    {
        if (Start)
        {
            return "(listener process started)";
        }

        if (Unexpected is not null)
        {
            return "UNEXPECTED (after a protocol violation): " + Escape(Unexpected);
        }

        var characters = Payload.EnumerateRunes().Count();
        var line = LenField().Replace(Line, m => m.Groups[1].Value == characters.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ? "len:<chars>"
            : $"len:{m.Groups[1].Value} (payload: {characters} characters, {System.Text.Encoding.UTF8.GetByteCount(Payload)} UTF-8 bytes)");
        var text = $"#{N} {line} | \"{Escape(Payload)}\" -> {Result}";
        return Action is null ? text : text + " | " + Action;
    }

    [GeneratedRegex(@"\blen:(\d+)")]
    private static partial Regex LenField();

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}

/// <summary>
/// One listener scenario against one daemon: its own temp directory (config, scripts, socket, logs, the
/// listeners' record files), the daemon, and the normalized transcript the steps write.
/// </summary>
internal sealed partial class ListenerRun : IAsyncDisposable
{
    /// <summary>The system Python: the reference supervisor package (and so <c>supervisor.childutils</c>) is installed for it.</summary>
    public const string SystemPython = "/usr/bin/python3";

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);
    private readonly StringBuilder _transcript = new();
    private CompatDaemon? _daemon;
    private bool _gaveUpWaiting;

    private ListenerRun(Implementation implementation, TempDirectory directory)
    {
        Implementation = implementation;
        Directory = directory;
        SocketPath = directory.File("s.sock");
        Port = FreePort.Next();
        ConfigPath = directory.File("supervisord.conf");
    }

    /// <summary>The recording listener shipped beside the tests (<c>Events/Compat/recording_listener.py</c>).</summary>
    public static string ListenerScript => Path.Combine(AppContext.BaseDirectory, "Events", "Compat", "recording_listener.py");

    public Implementation Implementation { get; }

    public TempDirectory Directory { get; }

    public string SocketPath { get; }

    public int Port { get; }

    public string ConfigPath { get; }

    public string UnixUrl => "unix://" + SocketPath;

    public string MainLogPath => Directory.File("supervisord.log");

    public CompatDaemon Daemon => _daemon ?? throw new InvalidOperationException("the daemon is not started");

    public string Text => _transcript.ToString();

    /// <summary>Runs <paramref name="scenario"/> against <paramref name="implementation"/> and returns the normalized transcript.</summary>
    public static async Task<string> TranscriptAsync(Implementation implementation, ListenerScenario scenario)
    {
        await using var run = new ListenerRun(implementation, new TempDirectory());
        try
        {
            await run.StartAsync(scenario);
            foreach (var step in scenario.Steps)
            {
                await step.RunAsync(run);
            }
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{implementation} run of '{scenario.Name}' failed: {e.Message}\n--- transcript so far ---\n{run.Text}\n--- daemon output ---\n{run._daemon?.Output}\n--- main log ---\n{run.MainLog()}", e);
        }

        return run.Text;
    }

    /// <summary>Expands a config template: <c>{dir}</c>, <c>{sock}</c>, <c>{port}</c>, <c>{listener}</c> (the recording listener's command) and <c>{python}</c>.</summary>
    public string Expand(string template) =>
        RunningDaemon.Expand(template, Directory.Path, SocketPath, Port)
            .Replace("{listener}", $"{SystemPython} {ListenerScript}", StringComparison.Ordinal)
            .Replace("{python}", SystemPython, StringComparison.Ordinal);

    public void Record(string text) => _transcript.Append(text);

    /// <summary>The temp directory, the listener script's path, pids, log timestamps and tick times of a text replaced by placeholders.</summary>
    public string Normalize(string text)
    {
        text = text.Replace(ListenerScript, "<LISTENER>", StringComparison.Ordinal);
        text = Transcript.Normalize(text, Directory.Path);
        text = PayloadPid().Replace(text, "pid:<PID>");
        return TickWhen().Replace(text, "when:<WHEN>");
    }

    /// <summary>The records of a listener's file (relative to the run's directory); empty while it does not exist.</summary>
    public IReadOnlyList<ListenerRecord> Records(string file)
    {
        var path = Directory.File(file);
        if (!File.Exists(path))
        {
            return [];
        }

        // The listener appends whole lines; a line still being written has no newline yet and is left for the next look.
        var text = File.ReadAllText(path, Encoding.UTF8);
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        return [.. complete.Split('\n').Where(l => l.Length > 0).Select(ListenerRecord.Parse)];
    }

    public string MainLog()
    {
        try
        {
            return File.Exists(MainLogPath) ? File.ReadAllText(MainLogPath, Encoding.UTF8) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Runs <c>supervisorctl -c CONF words...</c> to completion.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> CtlAsync(IEnumerable<string> words)
    {
        var (code, stdout, stderr, timedOut) = await CommandRun.RunAsync(CommandRun.Supervisorctl(ConfigPath, words), TimeSpan.FromSeconds(60));
        return (code, stdout, timedOut ? stderr + "\n[supervisorctl timed out after 60 s]" : stderr);
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds. Records a line either way, so a timeout shows up
    /// in the transcript diff (with <paramref name="lastSeen"/>) instead of hiding; after one timeout the
    /// later waits do not wait (the transcripts differ already, and a daemon that cannot get there fails fast).
    /// </summary>
    public Task WaitUntilAsync(string description, Func<bool> condition, Func<string> lastSeen) =>
        WaitUntilAsync(description, () => Task.FromResult(condition()), lastSeen);

    /// <inheritdoc cref="WaitUntilAsync(string, Func{bool}, Func{string})"/>
    public async Task WaitUntilAsync(string description, Func<Task<bool>> condition, Func<string> lastSeen)
    {
        if (_gaveUpWaiting)
        {
            Record($"# NOT WAITING until {description}: an earlier wait timed out\n");
            return;
        }

        var deadline = DateTime.UtcNow + WaitLimit;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                Record($"# waited until {description}\n");
                return;
            }

            if (_daemon is { HasExited: true })
            {
                break;
            }

            await Task.Delay(50);
        }

        _gaveUpWaiting = true;
        var why = _daemon is { HasExited: true } ? "the daemon exited" : "timed out";
        Record(Normalize($"# TIMED OUT waiting until {description} ({why}); last seen: {lastSeen().Replace("\n", " | ", StringComparison.Ordinal)}\n"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        Directory.Dispose();
    }

    private async Task StartAsync(ListenerScenario scenario)
    {
        foreach (var (name, body) in ListenerScenario.Scripts)
        {
            Directory.WriteExecutable(name, body);
        }

        File.WriteAllText(ConfigPath, Expand(scenario.Template), new UTF8Encoding(false));
        _daemon = await CompatDaemon.StartAsync(Implementation, ConfigPath, SocketPath, scenario.MayExitAtStartUp);
    }

    [GeneratedRegex(@"pid:[1-9]\d*")]
    private static partial Regex PayloadPid();

    [GeneratedRegex(@"when:\d+")]
    private static partial Regex TickWhen();
}
