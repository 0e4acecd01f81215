using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;
using Supervisor.Host.Platform;
using Supervisor.Host.Processes.Output;
using Supervisor.Host.Processes.Spawning;

namespace Supervisor.Host.Processes;

/// <summary>
/// The single owner of process state. One dedicated thread runs the loop: it executes queued requests in
/// order, then makes every automatic transition, then publishes an immutable <see cref="EngineSnapshot"/>
/// if anything changed. It sleeps until the next deadline or request (or the next 5-second tick), so an
/// idle daemon hardly wakes up. Exits arrive from the reaper as requests; pipe reading and log writing
/// happen on the I/O thread, never here.
/// <para>The loop's state and its jobs live in their own pieces, all driven from this thread:
/// <see cref="ProcessRegistry"/> (the active groups, the pending configuration, pids),
/// <see cref="EngineCommands"/> (what callers ask), <see cref="SnapshotPublisher"/> (what readers see) and
/// <see cref="EventRouter"/> (listener pools and plugin subscribers). This class is the loop itself and the
/// engine's lifecycle: activation, shutdown, disposal.</para>
/// <para>Time comes from the <see cref="TimeProvider"/> given (the system clock in the daemon, a fake one in
/// tests): startsecs, backoff, stopwaitsecs and the tick events all follow it, and a deadline wakes the
/// loop through a timer of that provider.</para>
/// </summary>
internal sealed class ProcessEngine : IAsyncDisposable
{
    private readonly ConcurrentQueue<Action> _inbox = new();
    private readonly AutoResetEvent _wake = new(false);

    // 1 while the loop is (about to be) asleep: only then does a post pay for the wake-up system call.
    // A listener's every reply is a post, so a busy loop must not be signalled per request.
    private int _sleeping;
    private readonly Thread _thread;
    private readonly IMainLog _log;
    private readonly TimeProvider _clock;
    private readonly ITimer _deadlineTimer;
    private readonly SupervisordConfig _startConfig;
    private readonly EngineServices _services;
    private readonly ChildIoLoop _io;
    private readonly ChildReaper _reaper;
    private readonly EventRouter _events;
    private readonly ProcessRegistry _registry;
    private readonly SnapshotPublisher _publisher;
    private readonly List<Action> _afterPublish = [];
    private readonly MemoryTrimmer _trimmer;
    private TickSchedule? _ticks;
    private double _nextDeadline = double.PositiveInfinity;
    private volatile bool _running = true;
    private TaskCompletionSource? _stopped;
    private List<ProcessGroup>? _stopGroups;
    private double _lastShutdownReport;
    private bool _settled;

    /// <param name="trimmer">The daemon's one <see cref="MemoryTrimmer"/>, shared with the HTTP side (a new one when null).</param>
    /// <param name="clock">The engine's time (the system clock when null).</param>
    public ProcessEngine(
        SupervisordConfig config,
        IMainLog log,
        EventBus bus,
        EventSerials serials,
        IReadOnlyDictionary<string, string> daemonEnvironment,
        string? serverUrl,
        MemoryTrimmer? trimmer = null,
        TimeProvider? clock = null)
    {
        _startConfig = config;
        _clock = clock ?? TimeProvider.System;
        _trimmer = trimmer ?? new MemoryTrimmer(_clock);
        _log = log;
        // The I/O thread keeps real time: it waits in epoll_wait, and its only timing is the retry of a log
        // that could not be written (a full disk), which nothing in the engine's state depends on.
        _io = new ChildIoLoop(log);
        _reaper = new ChildReaper(exit => Post(() => OnExit(exit)), _clock);
        _events = new EventRouter(bus, serials, Post);
        _services = new EngineServices
        {
            Log = log,
            Publish = _events.Publish,
            Emit = _events.Raise,
            Post = Post,
            Io = _io,
            Reaper = _reaper,
            DaemonEnvironment = daemonEnvironment,
            ServerUrl = serverUrl,
            StripAnsi = config.Supervisord.StripAnsi,
            RegisterPid = (pid, process) => _registry!.RegisterPid(pid, process),
            UnregisterPid = pid => _registry!.UnregisterPid(pid),
            Changed = process => _registry!.OnProcessChanged(process),
            AfterPublish = _afterPublish.Add,
            Now = Now,
        };
        _registry = new ProcessRegistry(config, _events, _services);
        _publisher = new SnapshotPublisher(_registry);
        Commands = new EngineCommands(_registry, _events, _services);
        _deadlineTimer = _clock.CreateTimer(_ => _wake.Set(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _thread = new Thread(Loop) { IsBackground = true, Name = "process engine" };
    }

    /// <summary>The latest published state. Safe from any thread.</summary>
    public EngineSnapshot Snapshot => _publisher.Current;

    /// <summary>What callers may ask; call only on the loop, through <see cref="Invoke{T}"/>.</summary>
    public EngineCommands Commands { get; }

    /// <summary>True once a shutdown or restart has begun: no automatic starts any more.</summary>
    public bool ShuttingDown => _stopped is not null;

    /// <summary>
    /// Cleans old AUTO logs and activates every configured group, so the table answers for them; nothing
    /// is spawned until <see cref="Run"/>.
    /// </summary>
    public void Activate()
    {
        var options = _startConfig.Supervisord;
        if (!options.Nocleanup)
        {
            ChildLogDirectory.CleanOld(options.Childlogdir, options.Identifier, _log);
        }

        foreach (var group in _startConfig.Groups)
        {
            _registry.Activate(group);
        }

        _publisher.Publish();
        _events.DeliverRaised();
    }

    /// <summary>Starts the loop, which starts the autostart programs at once.</summary>
    public void Run() => _thread.Start();

    /// <summary>Queues <paramref name="action"/> for the loop.</summary>
    public void Post(Action action)
    {
        _inbox.Enqueue(action);
        if (Interlocked.Exchange(ref _sleeping, 0) == 1)
        {
            _wake.Set();
        }
    }

    /// <summary>Runs <paramref name="action"/> on the loop and completes with its result (or its exception) once the pass's snapshot is published.</summary>
    public Task<T> Invoke<T>(Func<T> action)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                var result = action();
                _afterPublish.Add(() => completion.TrySetResult(result));
            }
            catch (Exception e)
            {
                _afterPublish.Add(() => completion.TrySetException(e));
            }
        });
        return completion.Task;
    }

    /// <summary>
    /// Begins the daemon's shutdown (also used for a restart): groups are stopped one at a time, highest
    /// priority first; completes when every process is in the stopped set.
    /// </summary>
    public Task StopAllAsync()
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            if (_stopped is null)
            {
                _stopped = completion;
            }
            else
            {
                _stopped.Task.ContinueWith(_ => completion.TrySetResult(), TaskScheduler.Default);
            }
        });
        return completion.Task;
    }

    /// <summary>SIGUSR2: every running process reopens its log files.</summary>
    public void ReopenLogs() => Post(() =>
    {
        foreach (var process in _registry.AllProcesses)
        {
            process.ReopenLogs();
        }
    });

    public async ValueTask DisposeAsync()
    {
        _events.Detach();
        _running = false;
        _wake.Set();
        if (_thread.IsAlive)
        {
            await Task.Run(() => _thread.Join(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        foreach (var process in _registry.AllProcesses)
        {
            process.AbandonWaiters(new EngineException(EngineError.ShuttingDown));
        }

        _deadlineTimer.Dispose();
        _reaper.Dispose();
        _io.Dispose();
        _wake.Dispose();
    }

    // ---- the loop ----

    private void Loop()
    {
        _ticks = new TickSchedule(Now());
        while (_running)
        {
            RunPass();

            // Announce the sleep before the last look at the inbox (a full fence), so a post that lands
            // in between sees the flag and signals.
            Interlocked.Exchange(ref _sleeping, 1);
            var wait = _inbox.IsEmpty ? SleepTime() : TimeSpan.Zero;
            if (wait != TimeSpan.Zero && _settled)
            {
                TrimAfterSettling();
            }

            if (wait != TimeSpan.Zero)
            {
                // The deadline arrives through the clock's own timer: on a fake clock, when a test moves it.
                _deadlineTimer.Change(wait, Timeout.InfiniteTimeSpan);
                _wake.WaitOne();
            }

            Interlocked.Exchange(ref _sleeping, 0);
        }
    }

    /// <summary>
    /// Nothing is scheduled any more (every process settled): hand back what a burst of work (a launch,
    /// a reload) made the GC commit (<see cref="MemoryTrimmer"/>): 200 programs' launch left 7 MiB of
    /// dead objects resident.
    /// </summary>
    private void TrimAfterSettling()
    {
        var result = _trimmer.TryTrim();
        if (result.Trimmed && _log.IsEnabled(MainLogLevel.Debug))
        {
            _log.Debug(string.Create(
                CultureInfo.InvariantCulture,
                $"every process settled: collected garbage, managed heap {result.HeapBefore / 1048576.0:F1} -> {result.HeapAfter / 1048576.0:F1} MiB"));
        }
    }

    /// <summary>How long the loop may sleep: until the next deadline (infinite without one), zero when one is due.</summary>
    private TimeSpan SleepTime()
    {
        if (double.IsPositiveInfinity(_nextDeadline))
        {
            return Timeout.InfiniteTimeSpan;
        }

        var milliseconds = Math.Ceiling((_nextDeadline - Now()) * 1000);
        return milliseconds <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(milliseconds, int.MaxValue));
    }

    /// <summary>
    /// At most this many spawns per pass (and no more once <see cref="MaxSpawnTimePerPass"/> has gone by).
    /// The reference starts every autostart program in one pass of its main loop, and serves nothing
    /// meanwhile; here requests, events and the published snapshot would wait for that pass too (5,000
    /// programs: 15 s or more). Between slices the loop takes requests and publishes what has started.
    /// </summary>
    internal const int MaxSpawnsPerPass = 64;

    /// <summary>The time after which a pass spawns no more (a slow machine's slices stay short too).</summary>
    private static readonly TimeSpan MaxSpawnTimePerPass = TimeSpan.FromMilliseconds(50);

    /// <summary>One pass: requests, shutdown progress, transitions in priority order, snapshot.</summary>
    private void RunPass()
    {
        while (_inbox.TryDequeue(out var action))
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                // A bug in one request must not stop the loop that keeps every child supervised.
                _log.Critical($"uncaught exception in the process engine: {e}");
            }
        }

        var now = Now();
        foreach (var tick in _ticks?.Due(now) ?? [])
        {
            _events.Raise(tick);
        }

        var shuttingDown = _stopped is not null;
        if (shuttingDown)
        {
            ShutdownStep(now);
        }

        var next = double.PositiveInfinity;
        var acceptingSpawns = !shuttingDown;
        var spawns = 0;
        var sliceStart = Stopwatch.GetTimestamp();
        foreach (var group in _registry.Groups)
        {
            foreach (var process in group.Processes)
            {
                var attempts = process.SpawnAttempts;
                next = Math.Min(next, process.Transition(now, acceptingSpawns));
                if (process.SpawnAttempts != attempts
                    && (++spawns == MaxSpawnsPerPass || Stopwatch.GetElapsedTime(sliceStart) > MaxSpawnTimePerPass))
                {
                    // The rest start in the next pass, right away and in the same order.
                    acceptingSpawns = false;
                    next = Math.Min(next, now);
                }
            }
        }

        if (shuttingDown && _stopGroups is { Count: > 0 } stopGroups)
        {
            var priority = stopGroups[^1].Priority;
            if (stopGroups.RemoveAll(group => group.Priority == priority && !group.Unstopped.Any()) > 0)
            {
                next = Math.Min(next, now);
            }
        }

        if (shuttingDown && _stopped is { Task.IsCompleted: false })
        {
            next = Math.Min(next, _lastShutdownReport + 3);
        }

        _events.Dispatch();

        // Settled: no process needs a pass at any time; only the tick clock will wake the loop.
        _settled = double.IsPositiveInfinity(next);
        if (_ticks is { } ticks)
        {
            next = Math.Min(next, ticks.NextBoundary);
        }

        _nextDeadline = next;
        _publisher.PublishIfChanged();
        _events.DeliverRaised();

        foreach (var completion in _afterPublish)
        {
            completion();
        }

        _afterPublish.Clear();
    }

    /// <summary>
    /// The shutdown part of a pass (the reference's <c>supervisord.py</c> <c>Supervisor.ordered_stop_groups_phase_1</c>):
    /// stop the highest-priority groups still running (all groups of that priority together), report what is
    /// left every 3 seconds, complete when nothing is left.
    /// </summary>
    private void ShutdownStep(double now)
    {
        _stopGroups ??= [.. _registry.Groups];
        if (_stopGroups.Count > 0)
        {
            // Every group of the highest priority left at once (the reference stops one group at a
            // time, so ties wait for each other): the priority rule only orders different priorities,
            // and one-process groups of the default priority would otherwise stop one after another.
            var priority = _stopGroups[^1].Priority;
            for (var i = _stopGroups.Count - 1; i >= 0 && _stopGroups[i].Priority == priority; i--)
            {
                _stopGroups[i].StopAll();
            }
        }

        var unstopped = _registry.Groups.SelectMany(g => g.Unstopped).ToList();
        if (unstopped.Count == 0)
        {
            _stopped!.TrySetResult();
            return;
        }

        if (now > _lastShutdownReport + 3)
        {
            _log.Info($"waiting for {string.Join(", ", unstopped.Select(p => p.Name))} to die");
            _lastShutdownReport = now;
        }
    }

    private void OnExit(ChildExit exit)
    {
        if (exit.Known && _registry.ByPid(exit.Pid) is { } process)
        {
            process.ExitCollected(exit, Post);
            return;
        }

        _log.Info($"reaped unknown pid {exit.Pid} ({WaitStatuses.Describe(exit.WaitStatus)})");
        _log.Debug(ChildReaper.ChildQuitMessage);
    }

    private double Now() => UnixSeconds(_clock.GetUtcNow());

    /// <summary>
    /// Unix time in seconds at the clock's own resolution (100 ns), as the reference's <c>time.time()</c> (µs):
    /// with milliseconds, a spawn and the transition right after it often fell in the same one, so a
    /// <c>startsecs=0</c> program was not yet "up for more than 0 seconds" and its start had to wait a pass.
    /// </summary>
    internal static double UnixSeconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"process engine, {_registry.Groups.Count} groups");
}
