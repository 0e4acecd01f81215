namespace Supervisor.Host.Processes;

/// <summary>Why the engine refused or could not complete a request: its own vocabulary, with no wire codes.</summary>
internal enum EngineError
{
    /// <summary>No such process in the named group (or no such group) is active.</summary>
    NoSuchProcess,

    /// <summary>No active group has that name.</summary>
    NoSuchGroup,

    /// <summary>No group of that name in the configuration as last read.</summary>
    NoSuchConfiguredGroup,

    /// <summary>The command to start was not found; <see cref="EngineException.Detail"/> says what was looked for.</summary>
    CommandNotFound,

    /// <summary>The command exists but cannot be executed; <see cref="EngineException.Detail"/> says why.</summary>
    CommandNotExecutable,

    /// <summary>A start of a process that is already starting, running or backing off.</summary>
    AlreadyStarted,

    /// <summary>The process is in the UNKNOWN state.</summary>
    UnknownState,

    /// <summary>The spawn failed (the process went to BACKOFF with a spawn error).</summary>
    SpawnFailed,

    /// <summary>Waiting for a start: the process left STARTING for another state than RUNNING.</summary>
    ExitedWhileStarting,

    /// <summary>The process is not running (or not signallable, or has no child to write to).</summary>
    NotRunning,

    /// <summary>A signal could not be sent; <see cref="EngineException.Detail"/> is the reason.</summary>
    SignalFailed,

    /// <summary>The child's stdin is closed.</summary>
    StdinClosed,

    /// <summary>Too many stdin bytes wait for the child; <see cref="EngineException.Detail"/> gives the figures.</summary>
    StdinFull,

    /// <summary>The logs could not be cleared.</summary>
    LogsNotCleared,

    /// <summary>A configuration could not be taken: unreadable, invalid, or naming unknown event types (<see cref="EngineException.Detail"/>).</summary>
    ConfigurationRefused,

    /// <summary>A group (or a process in it) of that name is active already.</summary>
    AlreadyActive,

    /// <summary>A group or process to remove still has a process that is not stopped.</summary>
    StillRunning,

    /// <summary>Options for a process to add do not make a valid program section (<see cref="EngineException.Detail"/>).</summary>
    InvalidProgramOptions,

    /// <summary>The daemon is shutting down or restarting: no engine takes requests.</summary>
    ShuttingDown,
}

/// <summary>
/// The engine's refusals and failures, in its own terms: what went wrong (<see cref="Error"/>), about which
/// group and process, and the engine's own words where it has any. The facade (<c>Facade/EngineFaults</c>)
/// is the one place that turns them into XML-RPC faults.
/// </summary>
internal sealed class EngineException(EngineError error, string? group = null, string? process = null, string? detail = null)
    : Exception($"{error}: {group}{(process is null ? "" : ":" + process)} {detail}".TrimEnd())
{
    public EngineError Error { get; } = error;

    /// <summary>The group concerned, when there is one.</summary>
    public string? Group { get; } = group;

    /// <summary>The process concerned within <see cref="Group"/>, when there is one.</summary>
    public string? Process { get; } = process;

    /// <summary>The engine's description of the cause (a command not found, a signal that failed), when it has one.</summary>
    public string? Detail { get; } = detail;
}
