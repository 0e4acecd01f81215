namespace Supervisor.Abstractions;

/// <summary>
/// The daemon's process groups. Reads return immutable snapshots taken without locks; control
/// operations are queued to the single loop that owns process state and complete when it has acted.
/// </summary>
public interface IProcessTable
{
    /// <summary>The active groups in priority order.</summary>
    IReadOnlyList<ProcessGroupInfo> Groups { get; }

    /// <summary>Every active process, ordered by group name then process name.</summary>
    IReadOnlyList<ProcessInfo> AllProcesses { get; }

    /// <summary>The group named <paramref name="name"/>, or null when it is not active.</summary>
    ProcessGroupInfo? FindGroup(string name);

    /// <summary>The process <paramref name="group"/>:<paramref name="name"/>, or null.</summary>
    ProcessInfo? FindProcess(string group, string name);
}

/// <summary>A snapshot of one process group.</summary>
/// <param name="Name">The group name.</param>
/// <param name="Priority">The group priority (lower starts first).</param>
/// <param name="Processes">Its processes in priority order.</param>
public sealed record ProcessGroupInfo(string Name, int Priority, IReadOnlyList<ProcessInfo> Processes);

/// <summary>Supervisor's process states, with the reference's codes.</summary>
public enum ProcessState
{
    /// <summary>Stopped by request, or never started.</summary>
    Stopped = 0,

    /// <summary>Spawned; <c>startsecs</c> not yet elapsed.</summary>
    Starting = 10,

    /// <summary>Up for longer than <c>startsecs</c>.</summary>
    Running = 20,

    /// <summary>Exited too quickly; will retry.</summary>
    Backoff = 30,

    /// <summary>Stop signal sent; waiting for the exit.</summary>
    Stopping = 40,

    /// <summary>Exited from RUNNING.</summary>
    Exited = 100,

    /// <summary>Gave up after <c>startretries</c> attempts.</summary>
    Fatal = 200,

    /// <summary>A signal could not be delivered; state unknown.</summary>
    Unknown = 1000,
}

/// <summary>
/// A snapshot of one process, with the keys and meaning of <c>supervisor.getProcessInfo</c>.
/// Times are Unix seconds (0 = never).
/// </summary>
public sealed record ProcessInfo
{
    /// <summary>The process name.</summary>
    [RpcMember("name")]
    public required string Name { get; init; }

    /// <summary>The group name.</summary>
    [RpcMember("group")]
    public required string Group { get; init; }

    /// <summary>Time of the latest spawn attempt.</summary>
    [RpcMember("start")]
    public long Start { get; init; }

    /// <summary>Time of the latest reaped exit.</summary>
    [RpcMember("stop")]
    public long Stop { get; init; }

    /// <summary>The state.</summary>
    [RpcMember("state")]
    public ProcessState State { get; init; }

    /// <summary>The latest spawn error, or empty.</summary>
    [RpcMember("spawnerr")]
    public string SpawnError { get; init; } = "";

    /// <summary>The latest exit status (-1 when killed by a signal).</summary>
    [RpcMember("exitstatus")]
    public int ExitStatus { get; init; }

    /// <summary>The stdout log path in use, or empty.</summary>
    [RpcMember("stdout_logfile")]
    public string StdoutLogfile { get; init; } = "";

    /// <summary>The stderr log path in use, or empty.</summary>
    [RpcMember("stderr_logfile")]
    public string StderrLogfile { get; init; } = "";

    /// <summary>The child's pid, or 0.</summary>
    [RpcMember("pid")]
    public int Pid { get; init; }
}
