using Microsoft.Extensions.Time.Testing;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;
using Supervisor.Host.Processes;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>
/// A <see cref="ProcessEngine"/> in the test's own process, with real children and a clock only the test
/// moves (<see cref="FakeTimeProvider"/>): startsecs, backoff, stopwaitsecs and ticks happen exactly when
/// the test says, with no real waiting. Children still run, exit and are reaped for real.
/// </summary>
internal sealed class FakeClockEngine : IAsyncDisposable
{
    /// <summary>One second past a TICK_5 boundary (2026-01-01T00:00:01Z), so the first tick is 4 s away.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 1, TimeSpan.Zero);

    private FakeClockEngine(TempDirectory directory, FakeTimeProvider clock, RecordingLog log, EventBus bus, ProcessEngine engine)
    {
        Directory = directory;
        Clock = clock;
        Log = log;
        Bus = bus;
        Engine = engine;
    }

    public TempDirectory Directory { get; }

    public FakeTimeProvider Clock { get; }

    public RecordingLog Log { get; }

    public EventBus Bus { get; }

    public ProcessEngine Engine { get; }

    /// <summary>Starts an engine on <paramref name="programSections"/> (<c>{dir}</c> is the test's directory).</summary>
    public static async Task<FakeClockEngine> StartAsync(string programSections)
    {
        var directory = new TempDirectory();
        var path = directory.Write("supervisord.conf", $"""
            [supervisord]
            logfile = {directory.File("supervisord.log")}
            childlogdir = {directory.Path}

            {programSections.Replace("{dir}", directory.Path, StringComparison.Ordinal)}
            """);
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
        var loaded = ConfigLoader.Load(path, null, environment);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));

        var clock = new FakeTimeProvider(Epoch);
        var log = new RecordingLog();
        var bus = new EventBus(log);
        var engine = new ProcessEngine(loaded.Config!, log, bus, new EventSerials(), environment, serverUrl: null, trimmer: null, clock);
        engine.Activate();
        engine.Run();
        var started = new FakeClockEngine(directory, clock, log, bus, engine);
        await started.PassAsync();
        return started;
    }

    /// <summary>Moves the clock, then lets the loop make one full pass at the new time.</summary>
    public async Task AdvanceAsync(double seconds)
    {
        Clock.Advance(TimeSpan.FromSeconds(seconds));
        await PassAsync();
    }

    /// <summary>Completes after the loop has run a pass (a request goes through the inbox, then every transition).</summary>
    public Task PassAsync() => Engine.Invoke(() => true).WaitAsync(TimeSpan.FromSeconds(10));

    public ProcessInfo Info(string name) => Engine.Snapshot.FindProcess(name, name) ?? throw new InvalidOperationException($"no process {name}");

    /// <summary>Waits (in real time: a child's exit is real) until <paramref name="name"/> is in <paramref name="state"/>.</summary>
    public async Task<ProcessInfo> WaitForStateAsync(string name, ProcessState state)
    {
        await SupervisedPrograms.WaitUntilAsync(() => Info(name).State == state, $"{name} {state}");
        return Info(name);
    }

    public List<string> LogLines(string fragment) =>
        [.. Log.Lines.Select(l => l.Message).Where(m => m.Contains(fragment, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        // Every test program ends on SIGTERM or is already gone; moving the clock past any stopwaitsecs
        // lets the shutdown kill what does not.
        var stopped = Engine.StopAllAsync();
        for (var i = 0; i < 100 && !stopped.IsCompleted; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(stopped, Task.Delay(50));
        }

        await Engine.DisposeAsync();
        await Bus.DisposeAsync();
        Directory.Dispose();
    }
}
