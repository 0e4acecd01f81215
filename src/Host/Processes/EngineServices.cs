using Supervisor.Abstractions;
using Supervisor.Host.Processes.Output;
using Supervisor.Host.Processes.Spawning;

namespace Supervisor.Host.Processes;

/// <summary>
/// What a <see cref="SupervisedProcess"/> needs from the engine that owns it. Everything here is used
/// on the engine's loop thread only, except where a member says otherwise.
/// </summary>
internal sealed class EngineServices
{
    public required IMainLog Log { get; init; }

    /// <summary>Publishes an event for plugins and listener pools from any thread (never blocks).</summary>
    public required Action<SupervisorEvent> Publish { get; init; }

    /// <summary>Raises an event on the loop: buffered into the pools at once, in order (state changes use this).</summary>
    public required Action<SupervisorEvent> Emit { get; init; }

    /// <summary>Queues work for the loop; safe from any thread (the I/O thread hands listener output over with it).</summary>
    public required Action<Action> Post { get; init; }

    /// <summary>The I/O thread that pumps every child's pipes into its logs.</summary>
    public required ChildIoLoop Io { get; init; }

    /// <summary>Collects exits of the pids it is told about.</summary>
    public required ChildReaper Reaper { get; init; }

    private Dictionary<string, string>? _daemonEnvironmentEntries;

    /// <summary>The daemon's own environment at start-up: the base of every child's environment.</summary>
    public required IReadOnlyDictionary<string, string> DaemonEnvironment { get; init; }

    /// <summary>
    /// <see cref="DaemonEnvironment"/> as <c>NAME=value</c> strings by name, made once: every process's
    /// environment shares these strings instead of holding its own copy of the whole environment.
    /// </summary>
    public IReadOnlyDictionary<string, string> DaemonEnvironmentEntries =>
        _daemonEnvironmentEntries ??= DaemonEnvironment.ToDictionary(pair => pair.Key, pair => pair.Key + "=" + pair.Value, StringComparer.Ordinal);

    /// <summary>The daemon's URL for <c>SUPERVISOR_SERVER_URL</c>, or null when it serves none.</summary>
    public required string? ServerUrl { get; init; }

    /// <summary><c>[supervisord] strip_ansi</c>.</summary>
    public required bool StripAnsi { get; init; }

    /// <summary>Maps a live pid to its process so the loop can route the exit.</summary>
    public required Action<int, SupervisedProcess> RegisterPid { get; init; }

    /// <summary>Forgets a pid once its exit has been handled.</summary>
    public required Action<int> UnregisterPid { get; init; }

    /// <summary>Called (on the loop) when a process's state changed, to refresh snapshots and wake waiters.</summary>
    public required Action<SupervisedProcess> Changed { get; init; }

    /// <summary>
    /// Runs an action once this pass's snapshot is published: a caller whose request completes must
    /// read the state the request produced, not the one before.
    /// </summary>
    public required Action<Action> AfterPublish { get; init; }

    /// <summary>Wall-clock seconds since the epoch, like Python's <c>time.time()</c>.</summary>
    public required Func<double> Now { get; init; }
}
