using System.Collections.Concurrent;
using System.Globalization;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;
using Supervisor.Host.Platform;
using Supervisor.Host.Processes.Listeners;
using Supervisor.Host.Processes.Output;
using Supervisor.Host.Processes.Spawning;

namespace Supervisor.Host.Processes;

/// <summary>
/// The single owner of process state (DESIGN.md "The runtime owns the state"). One dedicated thread runs
/// the loop: it executes queued requests in order, then makes every automatic transition, then publishes
/// an immutable <see cref="EngineSnapshot"/> if anything changed. It sleeps until the next deadline or
/// request (or the next 5-second tick), so an idle daemon hardly wakes up. Exits arrive from the reaper
/// as requests; pipe reading and log writing happen on the I/O thread, never here.
/// <para>Events: the loop also owns the <c>[eventlistener:x]</c> pools. An event raised here (a state
/// change, a group added, a tick) is buffered into the subscribed pools at once, in order, and reaches
/// plugin subscribers once the snapshot showing it is published; events published elsewhere (plugins,
/// the I/O thread, RPC) reach the pools as requests. Each pass ends by dispatching what the pools hold
/// to listeners that are ready.</para>
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
    private readonly EventBus _bus;
    private readonly EventSerials _serials;
    private readonly List<EventListenerPool> _pools = [];

    // Every events= name of the active pools, republished by the loop whenever a pool comes or goes.
    private volatile string[] _poolSubscriptions = [];
    private readonly List<SupervisorEvent> _outbox = [];
    private TickSchedule? _ticks;
    private readonly SupervisordConfig _startConfig;
    private readonly EngineServices _services;
    private readonly ChildIoLoop _io;
    private readonly ChildReaper _reaper;
    private readonly List<ProcessGroup> _groups = [];
    private readonly Dictionary<string, ProcessGroup> _groupsByName = new(StringComparer.Ordinal);
    private SupervisedProcess[] _lexicalProcesses = [];
    private IReadOnlyDictionary<string, int> _groupIndex = new Dictionary<string, int>();
    private readonly List<Action> _afterPublish = [];
    private readonly Dictionary<int, SupervisedProcess> _byPid = [];
    private SupervisordConfig _pending;

    // The AUTO log paths given to each process configuration object when it was activated. getAllConfigInfo
    // shows them only for the configuration objects of the pending configuration that were activated since
    // it was read: the reference resolves AUTO on the object itself when its group is added
    // (supervisord.py add_process_group, options.py create_autochildlogs), and reloadConfig brings new,
    // unresolved objects ('auto') even for groups left running.
    private readonly Dictionary<ProcessConfig, (string? Stdout, string? Stderr)> _activatedLogs = new(ReferenceEqualityComparer.Instance);
    private long _activations;
    private bool _structureChanged = true;
    private bool _changed = true;
    private double _nextDeadline = double.PositiveInfinity;
    private volatile bool _running = true;
    private volatile EngineSnapshot _snapshot = EngineSnapshot.Empty;
    private TaskCompletionSource? _stopped;
    private List<ProcessGroup>? _stopGroups;
    private double _lastShutdownReport;
    private readonly MemoryTrimmer _trimmer;
    private bool _settled;

    /// <param name="trimmer">The daemon's one <see cref="MemoryTrimmer"/>, shared with the HTTP side (a new one when null).</param>
    public ProcessEngine(
        SupervisordConfig config,
        IMainLog log,
        EventBus bus,
        EventSerials serials,
        IReadOnlyDictionary<string, string> daemonEnvironment,
        string? serverUrl,
        MemoryTrimmer? trimmer = null)
    {
        _startConfig = config;
        _trimmer = trimmer ?? new MemoryTrimmer();
        _pending = config;
        _log = log;
        _bus = bus;
        _serials = serials;
        _io = new ChildIoLoop(log);
        _reaper = new ChildReaper(exit => Post(() => OnExit(exit)));
        _services = new EngineServices
        {
            Log = log,
            Publish = bus.Publish,
            Emit = Emit,
            Post = Post,
            Io = _io,
            Reaper = _reaper,
            DaemonEnvironment = daemonEnvironment,
            ServerUrl = serverUrl,
            StripAnsi = config.Supervisord.StripAnsi,
            RegisterPid = (pid, process) => _byPid[pid] = process,
            UnregisterPid = pid => _byPid.Remove(pid),
            Changed = OnProcessChanged,
            AfterPublish = _afterPublish.Add,
            Now = Now,
        };
        _thread = new Thread(Loop) { IsBackground = true, Name = "process engine" };
        bus.Pools = e =>
        {
            // Checked on the publisher's thread, so output events (one per chunk of a noisy child)
            // that no pool wants never wake the loop.
            if (Array.Exists(_poolSubscriptions, subscribed => bus.Types.Matches(subscribed, e.Type)))
            {
                Post(() => AcceptIntoPools(e));
            }
        };
    }

    /// <summary>The latest published state. Safe from any thread.</summary>
    public EngineSnapshot Snapshot => _snapshot;

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
            Activate(group);
        }

        PublishSnapshot();
        FlushOutbox();
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

    /// <summary>Runs <paramref name="action"/> on the loop and completes with its result (or its exception).</summary>
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
        foreach (var process in _groups.SelectMany(g => g.Processes))
        {
            process.ReopenLogs();
        }
    });

    public async ValueTask DisposeAsync()
    {
        _bus.Pools = null;
        _running = false;
        _wake.Set();
        if (_thread.IsAlive)
        {
            await Task.Run(() => _thread.Join(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        foreach (var process in _groups.SelectMany(g => g.Processes))
        {
            process.AbandonWaiters(new EngineException(EngineError.ShuttingDown));
        }

        _reaper.Dispose();
        _io.Dispose();
        _wake.Dispose();
    }

    // ---- requests from the process table (all run on the loop) ----

    public SupervisedProcess FindProcess(string group, string name) =>
        _groupsByName.GetValueOrDefault(group)?.Find(name)
        ?? throw new EngineException(EngineError.NoSuchProcess, group, name);

    /// <summary>startProcess: the checks in xmlrpc-api.md §2.3's order, then the spawn.</summary>
    public Task<ProcessInfo> Start(string group, string name, bool wait)
    {
        var process = FindProcess(group, name);
        var resolution = CommandResolver.Resolve(process.Config.Command, process.Config.Environment, _services.DaemonEnvironment);
        if (resolution.Command is null)
        {
            throw new EngineException(resolution.Problem == CommandProblem.NoFile ? EngineError.CommandNotFound : EngineError.CommandNotExecutable, group, name, resolution.Error);
        }

        if (ProcessStateSets.IsRunning(process.State))
        {
            throw new EngineException(EngineError.AlreadyStarted, group, name);
        }

        if (process.State == ProcessState.Unknown)
        {
            throw new EngineException(EngineError.UnknownState, group, name);
        }

        process.Spawn();
        if (process.SpawnError is not null)
        {
            throw new EngineException(EngineError.SpawnFailed, group, name);
        }

        process.Transition(Now(), acceptingSpawns: false);
        if (!wait || process.State == ProcessState.Running)
        {
            return Task.FromResult(process.Snapshot);
        }

        var completion = new TaskCompletionSource<ProcessInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.AddWaiter(
            p => p.SpawnError is not null ? WaitOutcome.Fail(new EngineException(EngineError.SpawnFailed, group, name))
                : p.State is not (ProcessState.Starting or ProcessState.Running) ? WaitOutcome.Fail(new EngineException(EngineError.ExitedWhileStarting, group, name))
                : p.State == ProcessState.Running ? WaitOutcome.Done
                : WaitOutcome.Wait,
            completion);
        return completion.Task;
    }

    /// <summary>stopProcess: NOT_RUNNING unless in the running set; with <paramref name="wait"/>, completes once stopped.</summary>
    public Task<ProcessInfo> Stop(string group, string name, bool wait)
    {
        var process = FindProcess(group, name);
        if (!ProcessStateSets.IsRunning(process.State))
        {
            throw new EngineException(EngineError.NotRunning, group, name);
        }

        if (process.Stop() is { } failure)
        {
            throw new EngineException(EngineError.SignalFailed, group, name, failure);
        }

        if (!wait || ProcessStateSets.IsStopped(process.State))
        {
            return Task.FromResult(process.Snapshot);
        }

        process.StopReport();
        var completion = new TaskCompletionSource<ProcessInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.AddWaiter(p => ProcessStateSets.IsStopped(p.State) ? WaitOutcome.Done : WaitOutcome.Wait, completion);
        return completion.Task;
    }

    /// <summary>signalProcess: to the pid only; NOT_RUNNING unless signallable.</summary>
    public ProcessInfo Signal(string group, string name, int signal)
    {
        var process = FindProcess(group, name);
        if (!ProcessStateSets.IsSignallable(process.State))
        {
            throw new EngineException(EngineError.NotRunning, group, name);
        }

        if (process.Signal(signal) is { } failure)
        {
            throw new EngineException(EngineError.SignalFailed, group, name, failure);
        }

        return process.Snapshot;
    }

    /// <summary>
    /// sendProcessStdin: NOT_RUNNING without a child or while stopping; NO_FILE once stdin is closed;
    /// FAILED, with nothing written, when the bytes the child has not read yet plus these would pass
    /// <see cref="ChildPipes.StdinLimit"/>. FAILED because none of Supervisor's codes means "try again
    /// later": NO_FILE would tell the caller stdin is gone for good, and the fault's text says what to do.
    /// </summary>
    public void WriteStdin(string group, string name, ReadOnlyMemory<byte> data)
    {
        var process = FindProcess(group, name);
        if (!process.HasLiveChild || process.Killing)
        {
            throw new EngineException(EngineError.NotRunning, group, name);
        }

        switch (process.WriteStdin(data, ChildPipes.StdinLimit, out var pending))
        {
            case StdinWriteResult.Closed:
                throw new EngineException(EngineError.StdinClosed, group, name);
            case StdinWriteResult.Full:
                throw new EngineException(EngineError.StdinFull, group, name, StdinFullText(pending, data.Length));
        }
    }

    internal static string StdinFullText(int pending, int length) => string.Create(
        CultureInfo.InvariantCulture,
        $"{pending} bytes pending, {length} more would exceed the limit of {ChildPipes.StdinLimit} bytes; nothing was written (retry when the child has read its input)");

    public void ClearLogs(string group, string name)
    {
        var process = FindProcess(group, name);
        try
        {
            process.ClearLogs();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineException(EngineError.LogsNotCleared, group, name, e.Message);
        }
    }

    /// <summary>reloadConfig: make <paramref name="config"/> pending and report how it differs from the active groups.</summary>
    public ConfigChanges Reread(SupervisordConfig config)
    {
        if (_bus.Types.UnknownInPools(config.Groups) is { Count: > 0 } unknownTypes)
        {
            throw new EngineException(EngineError.ConfigurationRefused, detail: string.Join("\n", unknownTypes));
        }

        _pending = config;
        _activatedLogs.Clear();
        _structureChanged = true;
        _changed = true;
        var active = _groups.ToDictionary(g => g.Name, StringComparer.Ordinal);
        var configured = config.Groups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        var added = config.Groups.Where(g => !active.ContainsKey(g.Name)).Select(g => g.Name).ToList();
        var changed = config.Groups.Where(g => active.TryGetValue(g.Name, out var current) && !current.Config.Equals(g)).Select(g => g.Name).ToList();
        var removed = _groups.Where(g => !configured.Contains(g.Name)).Select(g => g.Name).ToList();
        return new ConfigChanges(added, changed, removed);
    }

    /// <summary>addProcessGroup: activate a group of the pending configuration.</summary>
    public void AddGroup(string name)
    {
        if (_groupsByName.ContainsKey(name))
        {
            throw new EngineException(EngineError.AlreadyActive, name);
        }

        var config = _pending.Groups.FirstOrDefault(g => g.Name == name) ?? throw new EngineException(EngineError.NoSuchConfiguredGroup, name);
        Activate(config);
    }

    /// <summary>removeProcessGroup: deactivate a group whose processes are all stopped.</summary>
    public void RemoveGroup(string name)
    {
        var group = _groupsByName.GetValueOrDefault(name) ?? throw new EngineException(EngineError.NoSuchGroup, name);
        if (group.Unstopped.Any())
        {
            throw new EngineException(EngineError.StillRunning, name);
        }

        _groups.Remove(group);
        _groupsByName.Remove(name);
        if (group.Pool is { } pool)
        {
            // A removed pool hears nothing more, not even its own removal; what it buffered is lost.
            _pools.Remove(pool);
            RefreshPoolSubscriptions();
            pool.Clear();
        }

        _structureChanged = true;
        _changed = true;
        Emit(new SupervisorEvent("PROCESS_GROUP_REMOVED", $"groupname:{name}\n"));
    }

    /// <summary>Adds processes to an active group at run time (supervisor_twiddler's addProgramToGroup).</summary>
    public IReadOnlyList<ProcessInfo> AddProcesses(string groupName, IReadOnlyList<ProcessConfig> configs)
    {
        var group = _groupsByName.GetValueOrDefault(groupName) ?? throw new EngineException(EngineError.NoSuchGroup, groupName);
        foreach (var config in configs)
        {
            if (group.Find(config.Name) is not null)
            {
                throw new EngineException(EngineError.AlreadyActive, groupName, config.Name);
            }
        }

        var added = configs.Select(config => NewProcess(config, groupName, group.Pool)).ToList();
        group.Processes.AddRange(added);
        group.Processes.Sort(static (a, b) => a.Config.Priority != b.Config.Priority
            ? a.Config.Priority.CompareTo(b.Config.Priority)
            : string.CompareOrdinal(a.Name, b.Name));
        group.Pool?.Order(group.Processes);
        group.Config = group.Config with { Processes = [.. group.Processes.Select(p => p.Config)] };
        group.Invalidate();
        _structureChanged = true;
        _changed = true;
        return [.. added.Select(p => p.Snapshot)];
    }

    /// <summary>Removes one stopped process from an active group (supervisor_twiddler's removeProcessFromGroup).</summary>
    public void RemoveProcess(string groupName, string name)
    {
        var group = _groupsByName.GetValueOrDefault(groupName) ?? throw new EngineException(EngineError.NoSuchGroup, groupName);
        var process = group.Find(name) ?? throw new EngineException(EngineError.NoSuchProcess, groupName, name);
        if (!ProcessStateSets.IsStopped(process.State))
        {
            throw new EngineException(EngineError.StillRunning, groupName, name);
        }

        group.Processes.Remove(process);
        group.Pool?.Remove(process);
        group.Config = group.Config with { Processes = [.. group.Processes.Select(p => p.Config)] };
        group.Invalidate();
        _structureChanged = true;
        _changed = true;
    }

    public SupervisordConfig PendingConfig => _pending;

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
            var wait = _inbox.IsEmpty ? SleepTime() : 0;
            if (wait != 0 && _settled)
            {
                TrimAfterSettling();
            }

            if (wait != 0)
            {
                _wake.WaitOne(wait);
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
        if (result.Trimmed && _log.IsEnabled(LogLevel.Debug))
        {
            _log.Debug(string.Create(
                CultureInfo.InvariantCulture,
                $"every process settled: collected garbage, managed heap {result.HeapBefore / 1048576.0:F1} -> {result.HeapAfter / 1048576.0:F1} MiB"));
        }
    }

    private int SleepTime()
    {
        if (double.IsPositiveInfinity(_nextDeadline))
        {
            return Timeout.Infinite;
        }

        var milliseconds = Math.Ceiling((_nextDeadline - Now()) * 1000);
        return milliseconds <= 0 ? 0 : (int)Math.Min(milliseconds, int.MaxValue);
    }

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
            Emit(tick);
        }

        var shuttingDown = _stopped is not null;
        if (shuttingDown)
        {
            ShutdownStep(now);
        }

        var next = double.PositiveInfinity;
        foreach (var group in _groups)
        {
            foreach (var process in group.Processes)
            {
                next = Math.Min(next, process.Transition(now, !shuttingDown));
            }
        }

        if (shuttingDown && _stopGroups is { Count: > 0 } stopGroups && !stopGroups[^1].Unstopped.Any())
        {
            stopGroups.RemoveAt(stopGroups.Count - 1);
            next = Math.Min(next, now);
        }

        if (shuttingDown && _stopped is { Task.IsCompleted: false })
        {
            next = Math.Min(next, _lastShutdownReport + 3);
        }

        foreach (var pool in _pools)
        {
            pool.Dispatch();
        }

        // Settled: no process needs a pass at any time; only the tick clock will wake the loop.
        _settled = double.IsPositiveInfinity(next);
        if (_ticks is { } ticks)
        {
            next = Math.Min(next, ticks.NextBoundary);
        }

        _nextDeadline = next;
        if (_changed)
        {
            PublishSnapshot();
        }

        FlushOutbox();

        foreach (var completion in _afterPublish)
        {
            completion();
        }

        _afterPublish.Clear();
    }

    /// <summary>
    /// The shutdown part of a pass (processes.md §8.2 step 1): stop the highest-priority group still
    /// running, report what is left every 3 seconds, complete when nothing is left.
    /// </summary>
    private void ShutdownStep(double now)
    {
        _stopGroups ??= [.. _groups];
        if (_stopGroups.Count > 0)
        {
            _stopGroups[^1].StopAll();
        }

        var unstopped = _groups.SelectMany(g => g.Unstopped).ToList();
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
        if (exit.Known && _byPid.TryGetValue(exit.Pid, out var process))
        {
            process.ExitCollected(exit, Post);
            return;
        }

        _log.Info($"reaped unknown pid {exit.Pid} ({WaitStatuses.Describe(exit.WaitStatus)})");
        _log.Debug(ChildReaper.ChildQuitMessage);
    }

    private void OnProcessChanged(SupervisedProcess process)
    {
        _changed = true;
        _groupsByName.GetValueOrDefault(process.GroupName)?.Invalidate();
    }

    /// <summary>Makes a group active: AUTO log files are created now (processes.md §6.1) and the added event goes out.</summary>
    private void Activate(ProcessGroupConfig config)
    {
        EventListenerPool? pool = null;
        if (config.Pool is { } poolConfig)
        {
            // Subscribed from activation on, so the pool hears its own PROCESS_GROUP_ADDED (events.md §4).
            pool = new EventListenerPool(config.Name, poolConfig, _startConfig.Supervisord.Identifier, _bus.Types, _log);
            _pools.Add(pool);
            RefreshPoolSubscriptions();
        }

        var processes = config.Processes.Select(p => NewProcess(p, config.Name, pool)).ToList();
        var group = new ProcessGroup(config, _activations++, processes) { Pool = pool };
        // Priority order, ties in activation order: the new group goes after every group whose priority
        // is not higher (a binary search, so activating thousands of groups stays linear-ish).
        int low = 0, high = _groups.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_groups[middle].Priority <= group.Priority)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        _groups.Insert(low, group);
        _groupsByName[group.Name] = group;
        _structureChanged = true;
        _changed = true;
        Emit(new SupervisorEvent("PROCESS_GROUP_ADDED", $"groupname:{config.Name}\n"));
    }

    private SupervisedProcess NewProcess(ProcessConfig config, string groupName, EventListenerPool? pool)
    {
        var stdoutLog = LogPath(config, config.Stdout, OutputChannel.Stdout);
        var stderrLog = config.RedirectStderr ? null : LogPath(config, config.Stderr, OutputChannel.Stderr);
        _activatedLogs[config] = (stdoutLog, stderrLog);
        var process = new SupervisedProcess(config, groupName, stdoutLog, stderrLog, _services);
        if (pool is not null)
        {
            process.Listener = pool.Add(process);
        }

        return process;
    }

    private void RefreshPoolSubscriptions() =>
        _poolSubscriptions = [.. _pools.SelectMany(p => p.Events).Distinct(StringComparer.Ordinal)];

    /// <summary>An event raised on the loop: into the pools now, to plugin subscribers after the snapshot.</summary>
    private void Emit(SupervisorEvent supervisorEvent)
    {
        AcceptIntoPools(supervisorEvent);
        _outbox.Add(supervisorEvent);
    }

    /// <summary>
    /// Buffers an event into every subscribed pool, in activation order; the first pool to take it gives
    /// it the next global serial, so events nobody listens to consume none (events.md §2). A pool
    /// subscribed to a type through two of its <c>events=</c> names takes it once.
    /// </summary>
    private void AcceptIntoPools(SupervisorEvent supervisorEvent)
    {
        SerialEvent? shared = null;
        foreach (var pool in _pools)
        {
            if (pool.Subscribes(supervisorEvent.Type))
            {
                shared ??= new SerialEvent(supervisorEvent, _serials.Next());
                pool.Accept(shared);
            }
        }
    }

    private void FlushOutbox()
    {
        foreach (var supervisorEvent in _outbox)
        {
            _bus.Deliver(supervisorEvent);
        }

        _outbox.Clear();
    }

    private string? LogPath(ProcessConfig process, ChildLogConfig log, OutputChannel channel)
    {
        if (!log.IsAuto)
        {
            return log.File;
        }

        var options = _startConfig.Supervisord;
        try
        {
            return ChildLogDirectory.AutoLogName(options.Childlogdir, process.Name, channel, options.Identifier);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error($"could not create an AUTO log file for {process.Name} in {options.Childlogdir}: {e.Message}");
            return null;
        }
    }

    private void PublishSnapshot()
    {
        _changed = false;
        if (_structureChanged)
        {
            // The orders change only when groups or processes come or go: sorted then, not on every
            // publish (a launch publishes once per state change, so per-publish sorting was quadratic).
            _lexicalProcesses = [.. _groups
                .OrderBy(g => g.Name, StringComparer.Ordinal)
                .SelectMany(g => g.Processes.OrderBy(p => p.Name, StringComparer.Ordinal))];
            var index = new Dictionary<string, int>(_groups.Count, StringComparer.Ordinal);
            for (var i = 0; i < _groups.Count; i++)
            {
                index[_groups[i].Name] = i;
            }

            _groupIndex = index;
        }

        var groups = new ProcessGroupInfo[_groups.Count];
        for (var i = 0; i < groups.Length; i++)
        {
            groups[i] = _groups[i].Snapshot;
        }

        var lexical = new ProcessInfo[_lexicalProcesses.Length];
        for (var i = 0; i < lexical.Length; i++)
        {
            lexical[i] = _lexicalProcesses[i].Snapshot;
        }

        var configured = _structureChanged || _snapshot.Configured.Count == 0 ? BuildConfigured() : _snapshot.Configured;
        _structureChanged = false;
        _snapshot = new EngineSnapshot(groups, lexical, configured, _groupIndex);
    }

    /// <summary>
    /// Every process of the pending configuration, in configuration order, with whether its group is active
    /// and the AUTO log paths it was activated with (the facade shapes and sorts them for getAllConfigInfo).
    /// </summary>
    private List<ConfiguredProcess> BuildConfigured()
    {
        var result = new List<ConfiguredProcess>();
        foreach (var groupConfig in _pending.Groups)
        {
            var inUse = _groupsByName.ContainsKey(groupConfig.Name);
            foreach (var process in groupConfig.Processes)
            {
                var activated = _activatedLogs.TryGetValue(process, out var paths) ? paths : default;
                result.Add(new ConfiguredProcess(groupConfig, process, inUse, activated.Stdout, activated.Stderr));
            }
        }

        return result;
    }

    private static double Now() => UnixSeconds(DateTimeOffset.UtcNow);

    /// <summary>
    /// Unix time in seconds at the clock's own resolution (100 ns), as the reference's <c>time.time()</c> (µs):
    /// with milliseconds, a spawn and the transition right after it often fell in the same one, so a
    /// <c>startsecs=0</c> program was not yet "up for more than 0 seconds" and its start had to wait a pass.
    /// </summary>
    internal static double UnixSeconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"process engine, {_groups.Count} groups");
}
