using System.Globalization;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Processes.Listeners;
using Supervisor.Host.Processes.Output;
using Supervisor.Host.Processes.Spawning;

namespace Supervisor.Host.Processes;

/// <summary>
/// One supervised process and its state machine (the states: http://supervisord.org/subprocess.html, "Process
/// States"). Every member is used on the engine's loop thread only; readers get <see cref="Snapshot"/>, an
/// immutable record rebuilt after each change. The method names and their order of effects follow the
/// reference's <c>Subprocess</c> (spawn, kill, finish, transition), because the log lines, events and fault
/// texts that users compare depend on that order.
/// </summary>
internal sealed class SupervisedProcess
{
    private const int SigKill = 9;

    private readonly EngineServices _services;
    private readonly List<Waiter> _waiters = [];
    private SpawnedChild? _child;
    private ChildPipes? _pipes;
    private ChildOutputLog? _stdoutLog;
    private ChildOutputLog? _stderrLog;
    private IReadOnlyList<TrackedPid> _descendants = [];
    private bool _exitCollected;
    private double _lastStopReport;
    private ProcessInfo? _snapshot;
    private List<string>? _environment;

    public SupervisedProcess(ProcessConfig config, string groupName, string? stdoutLogPath, string? stderrLogPath, EngineServices services)
    {
        Config = config;
        GroupName = groupName;
        StdoutLogPath = stdoutLogPath;
        StderrLogPath = stderrLogPath;
        _services = services;
    }

    public ProcessConfig Config { get; }

    /// <summary>The event listener protocol state, for a process of an <c>[eventlistener:x]</c> pool.</summary>
    public EventListener? Listener { get; set; }

    public string GroupName { get; }

    public string Name => Config.Name;

    /// <summary><c>name</c>, or <c>group:name</c> when they differ (how fault texts and logs name it).</summary>
    public string DisplayName => GroupName == Name ? Name : $"{GroupName}:{Name}";

    /// <summary>The stdout log file in use (AUTO resolved), or null for none.</summary>
    public string? StdoutLogPath { get; }

    /// <summary>The stderr log file in use, or null for none or a redirected stderr.</summary>
    public string? StderrLogPath { get; }

    /// <summary>Seconds between a start and the automatic restart after it (see <see cref="RestartDue"/>).</summary>
    public const double MinimumRestartInterval = 1.0;

    public ProcessState State { get; private set; } = ProcessState.Stopped;

    public int Pid { get; private set; }

    public double LastStart { get; private set; }

    /// <summary>How many times a spawn was attempted (the engine bounds the spawns of one pass).</summary>
    public long SpawnAttempts { get; private set; }

    public double LastStop { get; private set; }

    public string? SpawnError { get; private set; }

    public int? ExitStatus { get; private set; }

    public int Backoff { get; private set; }

    public bool Killing { get; private set; }

    /// <summary>The deadline for BACKOFF retries, STARTING promotion's reference and STOPPING's SIGKILL.</summary>
    public double Delay { get; private set; }

    /// <summary>True once a stop request was made and not superseded by a new spawn.</summary>
    public bool AdministrativeStop { get; private set; }

    /// <summary>An immutable view for readers; rebuilt lazily after a change.</summary>
    public ProcessInfo Snapshot => _snapshot ??= new ProcessInfo
    {
        Name = Name,
        Group = GroupName,
        Start = (long)LastStart,
        Stop = (long)LastStop,
        State = State,
        SpawnError = SpawnError ?? "",
        ExitStatus = ExitStatus ?? 0,
        StdoutLogfile = StdoutLogPath ?? "",
        StderrLogfile = StderrLogPath ?? "",
        Pid = Pid,
    };

    public bool HasLiveChild => Pid != 0 && !_exitCollected;

    /// <summary>Starts the child (the reference's <c>Subprocess.spawn</c>). Returns the pid, or null when nothing was spawned.</summary>
    public int? Spawn()
    {
        if (Pid != 0)
        {
            _services.Log.Warn($"process '{Name}' already running");
            return null;
        }

        SpawnAttempts++;
        Killing = false;
        SpawnError = null;
        ExitStatus = null;
        AdministrativeStop = false;
        LastStart = _services.Now();
        ChangeState(ProcessState.Starting);

        var resolution = CommandResolver.Resolve(Config.Command, Config.Environment, _services.DaemonEnvironment);
        if (resolution.Command is null)
        {
            RecordSpawnError(resolution.Error!);
            ChangeState(ProcessState.Backoff);
            return null;
        }

        var request = new SpawnRequest(
            resolution.Command, _environment ??= ChildEnvironment(), Config.Directory, Config.Umask, Config.Uid, Config.Gid, Config.User, Config.RedirectStderr);
        var result = ChildSpawner.Spawn(request, Name);
        if (result.Child is not { } child)
        {
            RecordSpawnError(result.Error!);
            ChangeState(ProcessState.Backoff);
            return null;
        }

        _child = child;
        _exitCollected = false;
        Pid = child.Pid;
        _services.RegisterPid(Pid, this);
        _services.Reaper.Track(Pid);
        OpenLogs(ListenerFeed());
        _pipes = _services.Io.Attach(child.Stdin, child.Stdout, child.Stderr, _stdoutLog, _stderrLog, Name);
        _services.Log.Info($"spawned: '{Name}' with pid {Pid}");
        SpawnError = null;
        Delay = _services.Now() + Config.Startsecs;
        Touch();
        return Pid;
    }

    /// <summary>An administrative stop: <c>stopsignal</c>, to the group with <c>stopasgroup</c>.</summary>
    public string? Stop()
    {
        AdministrativeStop = true;
        _lastStopReport = 0;
        return Kill(Config.Stopsignal);
    }

    /// <summary>Logs <c>waiting for x to stop</c>, at most every 2 seconds, while a caller waits for the stop.</summary>
    public void StopReport()
    {
        if (State != ProcessState.Stopping)
        {
            return;
        }

        var now = _services.Now();
        if (now > _lastStopReport + 2)
        {
            _services.Log.Info($"waiting for {Name} to stop");
            _lastStopReport = now;
        }
    }

    /// <summary>BACKOFF → FATAL: no more retries.</summary>
    public void GiveUp()
    {
        Delay = 0;
        Backoff = 0;
        ChangeState(ProcessState.Fatal);
    }

    /// <summary>
    /// Sends a signal meant to end the process (the reference's <c>Subprocess.kill</c>). Returns null when
    /// sent (or when the process was in BACKOFF, which simply becomes STOPPED), else the reason it could not
    /// be.
    /// </summary>
    public string? Kill(int signal)
    {
        var now = _services.Now();
        if (State == ProcessState.Backoff)
        {
            _services.Log.Debug($"Attempted to kill {Name}, which is in BACKOFF state.");
            ChangeState(ProcessState.Stopped);
            return null;
        }

        if (Pid == 0)
        {
            var message = $"attempted to kill {Name} with sig {SignalNames.Name(signal)} but it wasn't running";
            _services.Log.Debug(message);
            return message;
        }

        // The first signal of a stop follows stopasgroup; the SIGKILL that ends an overlong STOPPING follows killasgroup.
        var asGroup = State == ProcessState.Stopping ? Config.Killasgroup : Config.Stopasgroup;
        _services.Log.Debug($"killing {Name} (pid {Pid}) {(asGroup ? "process group " : "")}with signal {SignalNames.Name(signal)}");
        Killing = true;
        Delay = now + Config.Stopwaitsecs;
        ChangeState(ProcessState.Stopping);
        Touch();
        if (_exitCollected)
        {
            // Already reaped and being drained: the pid may belong to someone else by now.
            return null;
        }

        var errno = ChildSignals.Send(Pid, signal, asGroup, out var descendants);
        if (asGroup)
        {
            _descendants = [.. _descendants, .. descendants];
            if (signal == SigKill)
            {
                ChildSignals.SendToSurvivors(_descendants, SigKill);
            }
        }

        return SignalFailure(errno, $"unable to signal {Name} (pid {Pid}), it probably just exited on its own", "killing");
    }

    /// <summary>A plain signal to the pid only (signalProcess); the state does not change.</summary>
    public string? Signal(int signal)
    {
        if (Pid == 0)
        {
            var message = $"attempted to send {Name} sig {SignalNames.Name(signal)} but it wasn't running";
            _services.Log.Debug(message);
            return message;
        }

        _services.Log.Debug($"sending {Name} (pid {Pid}) sig {SignalNames.Name(signal)}");
        if (_exitCollected)
        {
            return null;
        }

        var errno = ChildSignals.Send(Pid, signal, group: false, out _);
        return SignalFailure(errno, $"unable to signal {Name} (pid {Pid}), it probably just now exited on its own", "sending sig");
    }

    /// <summary>
    /// The exit of our child was collected: drain its pipes, then judge the exit. Until the drain ends
    /// the pid is not signalled again (it may already be reused).
    /// </summary>
    public void ExitCollected(ChildExit exit, Action<Action> post)
    {
        _exitCollected = true;
        if (_pipes is { } pipes)
        {
            pipes.DrainAndClose(() => post(() => Finish(exit)));
        }
        else
        {
            Finish(exit);
        }
    }

    /// <summary>Judges an exit (the reference's <c>Subprocess.finish</c>).</summary>
    private void Finish(ChildExit exit)
    {
        var statusText = WaitStatuses.Describe(exit.WaitStatus);
        var exitCode = WaitStatuses.ExitCode(exit.WaitStatus);
        var now = ProcessEngine.UnixSeconds(exit.Time);
        LastStop = now;
        bool tooQuickly;
        if (now > LastStart)
        {
            tooQuickly = now - LastStart < Config.Startsecs;
        }
        else
        {
            tooQuickly = false;
            _services.Log.Warn($"process '{Name}' ({Pid}) laststart time is in the future, don't know how long process was running so assuming it did not exit too quickly");
        }

        var expected = Config.Exitcodes.Contains(exitCode);
        if (Killing)
        {
            Killing = false;
            Delay = 0;
            ExitStatus = exitCode;
            ChangeState(ProcessState.Stopped);
            _services.Log.Write(expected ? MainLogLevel.Info : MainLogLevel.Warn, $"stopped: {Name} ({statusText})");
            KillSurvivingDescendants();
        }
        else if (tooQuickly && State == ProcessState.Starting)
        {
            ExitStatus = null;
            SpawnError = "Exited too quickly (process log may have details)";
            ChangeState(ProcessState.Backoff);
            _services.Log.Warn($"exited: {Name} ({statusText}; not expected)");
        }
        else
        {
            Delay = 0;
            Backoff = 0;
            ExitStatus = exitCode;
            if (State == ProcessState.Starting)
            {
                // startsecs=0, or the clock went back: promoted silently, then the exit is an ordinary one.
                ChangeState(ProcessState.Running);
            }

            if (expected)
            {
                ChangeState(ProcessState.Exited, expected: true);
                _services.Log.Info($"exited: {Name} ({statusText}; expected)");
            }
            else
            {
                SpawnError = $"Bad exit code {exitCode}";
                ChangeState(ProcessState.Exited, expected: false);
                _services.Log.Warn($"exited: {Name} ({statusText}; not expected)");
            }
        }

        _services.Log.Debug(ChildReaper.ChildQuitMessage);

        _services.UnregisterPid(Pid);
        Pid = 0;
        _exitCollected = false;
        _pipes = null;
        _child?.Dispose();
        _child = null;
        CloseLogs();
        Touch();

        // A listener that died in the middle of an event gives it back to its pool (after the state event, as in the reference).
        Listener?.Finished();
    }

    /// <summary>
    /// One pass of the reference's <c>transition</c>: automatic starts, retries, promotion to RUNNING,
    /// giving up, SIGKILL escalation. Returns when this process next needs a pass (or +∞).
    /// </summary>
    public double Transition(double now, bool acceptingSpawns)
    {
        var state = State;
        if (acceptingSpawns)
        {
            if (state == ProcessState.Exited)
            {
                if (RestartsAutomatically && RestartDue(now))
                {
                    Spawn();
                }
            }
            else if (state == ProcessState.Stopped && LastStart == 0)
            {
                if (Config.Autostart)
                {
                    Spawn();
                }
            }
            else if (state == ProcessState.Backoff && Backoff <= Config.Startretries && now > Delay)
            {
                Spawn();
            }
        }

        if (state == ProcessState.Starting && State == ProcessState.Starting && now - LastStart > Config.Startsecs)
        {
            Delay = 0;
            Backoff = 0;
            ChangeState(ProcessState.Running);
            _services.Log.Info($"success: {Name} entered RUNNING state, process has stayed up for > than {Config.Startsecs} seconds (startsecs)");
        }

        if (state == ProcessState.Backoff)
        {
            if (State == ProcessState.Backoff && Backoff > Config.Startretries)
            {
                GiveUp();
                _services.Log.Info($"gave up: {Name} entered FATAL state, too many start retries too quickly");
            }
        }
        else if (state == ProcessState.Stopping && State == ProcessState.Stopping && Delay - now <= 0)
        {
            _services.Log.Warn($"killing '{Name}' ({Pid}) with SIGKILL");
            Kill(SigKill);
        }

        if (State == ProcessState.Stopping && HasWaiters)
        {
            StopReport();
        }

        return NextDeadline(acceptingSpawns);
    }

    /// <summary>An EXITED process that <c>autorestart</c> brings back: always, or for an exit code not in <c>exitcodes</c>.</summary>
    private bool RestartsAutomatically =>
        Config.Autorestart == AutoRestart.Always
        || (Config.Autorestart == AutoRestart.Unexpected && !Config.Exitcodes.Contains(ExitStatus ?? 0));

    /// <summary>
    /// The restart throttle: an automatic restart comes no sooner than <see cref="MinimumRestartInterval"/>
    /// after the previous start. Only a child that ran for less than that is held back (with
    /// <c>startsecs</c> of 1 or more such an exit is a BACKOFF, which waits anyway), so a program that
    /// exits at once restarts about once a second, as the reference's one-second poll loop happens to do,
    /// instead of hundreds of times. A clock that went back does not hold a restart.
    /// </summary>
    private bool RestartDue(double now) => now - LastStart >= MinimumRestartInterval || now < LastStart;

    /// <summary>When the next <see cref="Transition"/> can change something, for the loop's sleep.</summary>
    private double NextDeadline(bool acceptingSpawns) => State switch
    {
        ProcessState.Exited when acceptingSpawns && RestartsAutomatically => LastStart + MinimumRestartInterval,
        // A hair after startsecs: promotion needs now - laststart strictly greater.
        ProcessState.Starting => LastStart + Config.Startsecs + 0.001,
        ProcessState.Backoff when acceptingSpawns && Backoff <= Config.Startretries => Delay + 0.001,
        ProcessState.Backoff => LastStart,
        ProcessState.Stopping => _waiters.Count > 0 ? Math.Min(Delay, _lastStopReport + 2.001) : Delay,
        _ => double.PositiveInfinity,
    };

    /// <summary>Queues bytes for the child's stdin, at most <paramref name="limit"/> waiting (see <see cref="ChildPipes.WriteStdin(ReadOnlyMemory{byte}, int, out int)"/>).</summary>
    public StdinWriteResult WriteStdin(ReadOnlyMemory<byte> data, int limit, out int pending)
    {
        pending = 0;
        return _pipes is { } pipes && !_exitCollected ? pipes.WriteStdin(data, limit, out pending) : StdinWriteResult.Closed;
    }

    /// <summary>clearProcessLogs: only the logs of a live child are truncated, as the reference does.</summary>
    public void ClearLogs()
    {
        _stdoutLog?.Clear();
        _stderrLog?.Clear();
    }

    /// <summary>SIGUSR2: reopen the log files by name (after an external rotation).</summary>
    public void ReopenLogs()
    {
        _stdoutLog?.Reopen();
        _stderrLog?.Reopen();
    }

    /// <summary>Completes when <paramref name="done"/> says so after a state change (checked on the loop).</summary>
    public void AddWaiter(Func<SupervisedProcess, WaitOutcome> done, TaskCompletionSource<ProcessInfo> completion)
    {
        _waiters.Add(new Waiter(done, completion));
        CheckWaiters();
    }

    public bool HasWaiters => _waiters.Count > 0;

    private void CheckWaiters()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            var waiter = _waiters[i];
            var outcome = waiter.Done(this);
            if (outcome.Pending)
            {
                continue;
            }

            _waiters.RemoveAt(i);
            if (outcome.Fault is { } fault)
            {
                _services.AfterPublish(() => waiter.Completion.TrySetException(fault));
            }
            else
            {
                var snapshot = Snapshot;
                _services.AfterPublish(() => waiter.Completion.TrySetResult(snapshot));
            }
        }
    }

    /// <summary>Fails every waiter (the daemon is going away).</summary>
    public void AbandonWaiters(Exception reason)
    {
        foreach (var waiter in _waiters)
        {
            waiter.Completion.TrySetException(reason);
        }

        _waiters.Clear();
    }

    private void ChangeState(ProcessState newState, bool expected = true)
    {
        var oldState = State;
        if (newState == oldState)
        {
            return;
        }

        State = newState;
        if (newState == ProcessState.Backoff)
        {
            Backoff++;
            Delay = _services.Now() + Backoff;
        }

        Touch();
        _services.Emit(new SupervisorEvent("PROCESS_STATE_" + ProcessStates.WireName(newState), StateEventPayload(oldState, newState, expected)));
        CheckWaiters();
    }

    /// <summary>The reference's PROCESS_STATE payload: name, group, from_state, then per-state extras.</summary>
    private string StateEventPayload(ProcessState from, ProcessState to, bool expected)
    {
        var text = $"processname:{Name} groupname:{GroupName} from_state:{ProcessStates.WireName(from)}";
        return to switch
        {
            ProcessState.Starting or ProcessState.Backoff => text + $" tries:{Backoff}",
            ProcessState.Exited => text + $" expected:{(expected ? 1 : 0)} pid:{Pid}",
            ProcessState.Running or ProcessState.Stopping or ProcessState.Stopped => text + $" pid:{Pid}",
            _ => text,
        };
    }

    private void Touch()
    {
        _snapshot = null;
        _services.Changed(this);
    }

    private void RecordSpawnError(string message)
    {
        SpawnError = message;
        _services.Log.Info($"spawnerr: {message}");
    }

    private string? SignalFailure(int errno, string esrchMessage, string verb)
    {
        const int Esrch = 3;
        if (errno == 0)
        {
            return null;
        }

        if (errno == Esrch)
        {
            _services.Log.Debug($"{esrchMessage}: [Errno 3] No such process");
            return null;
        }

        var message = $"unknown problem {verb} {Name} ({Pid}):{ErrnoNames.Name(errno)}";
        _services.Log.Critical(message);
        ChangeState(ProcessState.Unknown);
        Killing = false;
        Delay = 0;
        return message;
    }

    /// <summary>
    /// After a group stop, the leader is gone: anything of its tree still alive got the stop signal with
    /// it and did not end, so it is killed now. No descendant outlives a stop with killasgroup (the
    /// reference leaves such processes behind, Supervisor#1101).
    /// </summary>
    private void KillSurvivingDescendants()
    {
        if (_descendants.Count > 0 && Config.Killasgroup)
        {
            ChildSignals.SendToSurvivors(_descendants, SigKill);
        }

        _descendants = [];
    }

    /// <summary>
    /// The child's environment: the daemon's, the SUPERVISOR_* variables, then the program's own. It
    /// depends only on the configuration, so it is built once per process, not per spawn.
    /// </summary>
    private List<string> ChildEnvironment()
    {
        var environment = new Dictionary<string, string>(_services.DaemonEnvironmentEntries, StringComparer.Ordinal);
        void Set(string key, string value) => environment[key] = key + "=" + value;
        Set("SUPERVISOR_ENABLED", "1");
        var serverUrl = Config.ServerUrl ?? _services.ServerUrl;
        if (serverUrl is not null)
        {
            Set("SUPERVISOR_SERVER_URL", serverUrl);
        }

        Set("SUPERVISOR_PROCESS_NAME", Name);
        Set("SUPERVISOR_GROUP_NAME", GroupName);
        foreach (var (key, value) in Config.Environment)
        {
            Set(key, value);
        }

        return [.. environment.Values];
    }

    /// <summary>
    /// For a listener, a new child starts ACKNOWLEDGED and what it writes on stdout goes from the I/O
    /// thread to the loop, tagged with this spawn so late output of an earlier child is ignored.
    /// </summary>
    private ChunkObserver? ListenerFeed()
    {
        if (Listener is not { } listener)
        {
            return null;
        }

        var spawn = listener.Spawned();
        var post = _services.Post;
        return chunk =>
        {
            var copy = chunk.ToArray();
            post(() => listener.Feed(spawn, copy));
        };
    }

    private void OpenLogs(ChunkObserver? protocol)
    {
        _stdoutLog = OpenLog(OutputChannel.Stdout, StdoutLogPath, Config.Stdout, protocol, protocolChannel: protocol is not null);
        _stderrLog = Config.RedirectStderr ? null : OpenLog(OutputChannel.Stderr, StderrLogPath, Config.Stderr);
    }

    /// <summary>
    /// Opens one channel's sink, or returns null when nothing needs the bytes (no file, no syslog, no DEBG
    /// copy, no events, no capture, no observer): the I/O loop then reads and drops them.
    /// <paramref name="onChunk"/> and <paramref name="protocolChannel"/> are for an event listener's stdout.
    /// </summary>
    private ChildOutputLog? OpenLog(OutputChannel channel, string? path, ChildLogConfig config, ChunkObserver? onChunk = null, bool protocolChannel = false)
    {
        var needsBytes = path is not null || config.Syslog || _services.Log.IsEnabled(MainLogLevel.Debug) || onChunk is not null || protocolChannel
            || config.EventsEnabled || config.CaptureMaxBytes > 0;
        if (!needsBytes)
        {
            return null;
        }

        try
        {
            var options = new ChildOutputOptions(Name, channel, path, config.MaxBytes, config.Backups, config.Syslog, _services.StripAnsi, onChunk)
            {
                GroupName = GroupName,
                Pid = Pid,
                EventsEnabled = config.EventsEnabled,
                CaptureMaxBytes = config.CaptureMaxBytes,
                ProtocolChannel = protocolChannel,
                Publish = _services.Publish,
            };
            return new ChildOutputLog(options, _services.Log);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _services.Log.Error($"could not open {channel.ToString().ToLowerInvariant()} log {path} for {Name}: {e.Message}");
            return null;
        }
    }

    private void CloseLogs()
    {
        _stdoutLog?.Dispose();
        _stderrLog?.Dispose();
        _stdoutLog = null;
        _stderrLog = null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{DisplayName} {ProcessStates.WireName(State)} pid {Pid}");

    private sealed record Waiter(Func<SupervisedProcess, WaitOutcome> Done, TaskCompletionSource<ProcessInfo> Completion);
}

/// <summary>What a waiter concluded after a state change: keep waiting, done, or failed with a fault.</summary>
internal readonly record struct WaitOutcome(bool Pending, Exception? Fault)
{
    public static WaitOutcome Wait => new(true, null);

    public static WaitOutcome Done => new(false, null);

    public static WaitOutcome Fail(Exception fault) => new(false, fault);
}
