namespace Supervisor.Abstractions;

/// <summary>
/// The daemon's process groups. Reads return immutable snapshots taken without locks; control
/// operations are queued to the single loop that owns process state and complete when it has acted.
/// Failures are <see cref="RpcFaultException"/>s with the codes <c>supervisor.*</c> would answer, so a
/// plugin can let them through to its caller.
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

    /// <summary>
    /// Starts a process. With <paramref name="wait"/>, completes when it is RUNNING (after
    /// <c>startsecs</c>); without, once it is spawned. Faults as <c>supervisor.startProcess</c>:
    /// BAD_NAME, NO_FILE, NOT_EXECUTABLE, ALREADY_STARTED, SPAWN_ERROR, ABNORMAL_TERMINATION, FAILED.
    /// </summary>
    Task<ProcessInfo> StartAsync(string group, string name, bool wait, CancellationToken cancellationToken);

    /// <summary>
    /// Stops a process with its <c>stopsignal</c> (SIGKILL after <c>stopwaitsecs</c>). With
    /// <paramref name="wait"/>, completes when it has stopped. Faults: BAD_NAME, NOT_RUNNING, FAILED.
    /// </summary>
    Task<ProcessInfo> StopAsync(string group, string name, bool wait, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="StartAsync"/> in two steps, for a caller that starts several processes at once and reports
    /// the outcomes decided on the spot before those that wait, as the reference's group operations do.
    /// Completes once the loop has acted on the request; faults only when the request could not be made
    /// (SHUTDOWN_STATE), the start's own faults come through <see cref="ProcessRequest.Outcome"/>.
    /// </summary>
    Task<ProcessRequest> RequestStartAsync(string group, string name, bool wait, CancellationToken cancellationToken);

    /// <summary><see cref="StopAsync"/> in two steps, as <see cref="RequestStartAsync"/>.</summary>
    Task<ProcessRequest> RequestStopAsync(string group, string name, bool wait, CancellationToken cancellationToken);

    /// <summary>Sends a signal (a number, e.g. 1 for SIGHUP). Faults: BAD_NAME, BAD_SIGNAL, NOT_RUNNING, FAILED.</summary>
    Task<ProcessInfo> SignalAsync(string group, string name, int signal, CancellationToken cancellationToken);

    /// <summary>
    /// Writes bytes to the process's stdin without waiting for the child to read them. Faults: BAD_NAME,
    /// NOT_RUNNING, NO_FILE (stdin closed), FAILED when the bytes not yet read plus these would exceed
    /// 16 MiB (nothing of the call is written; retry once the child has read its input).
    /// </summary>
    Task WriteStdinAsync(string group, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Empties the process's stdout and stderr logs (backups kept). Faults: BAD_NAME, FAILED.</summary>
    Task ClearLogsAsync(string group, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Re-reads the configuration file and makes it the pending configuration, without touching
    /// running groups. Faults: CANT_REREAD with the reason.
    /// </summary>
    Task<ConfigChanges> ReloadConfigAsync(CancellationToken cancellationToken);

    /// <summary>Activates a group of the pending configuration. Faults: BAD_NAME, ALREADY_ADDED.</summary>
    Task AddGroupAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deactivates a group whose processes are all stopped. Faults: BAD_NAME, STILL_RUNNING.</summary>
    Task RemoveGroupAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Every process of the pending configuration (the file as last read), groups flattened, sorted by
    /// process name: what <c>supervisor.getAllConfigInfo</c> answers. An AUTO log file shows its path
    /// once its group has been activated from this reading of the file (at start-up, or by
    /// <see cref="AddGroupAsync"/>) and <c>"auto"</c> until then, as in the reference: after
    /// <see cref="ReloadConfigAsync"/> even a group left running shows <c>"auto"</c>.
    /// </summary>
    IReadOnlyList<ProcessConfigInfo> ConfigInfo { get; }

    /// <summary>
    /// Adds a program to an active group at run time, as if <paramref name="options"/> were the keys of a
    /// <c>[program:<paramref name="program"/>]</c> section listed in the group (<c>numprocs</c> may add
    /// several processes). The new processes start if <c>autostart</c> is true. Faults: BAD_NAME (no such
    /// group), ALREADY_ADDED (a process of that name exists), INCORRECT_PARAMETERS (the options are not a
    /// valid program section; the detail says why).
    /// </summary>
    Task<IReadOnlyList<ProcessInfo>> AddProcessAsync(
        string group, string program, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken);

    /// <summary>Removes one stopped process from an active group. Faults: BAD_NAME, STILL_RUNNING.</summary>
    Task RemoveProcessAsync(string group, string name, CancellationToken cancellationToken);
}

/// <summary>
/// One process of the configuration, with the keys of <c>supervisor.getAllConfigInfo</c>. Unset values
/// read <c>"none"</c> and automatic ones <c>"auto"</c>, as the reference marshals them.
/// </summary>
public sealed record ProcessConfigInfo
{
    /// <summary>The <c>autostart</c> key.</summary>
    [RpcMember("autostart")]
    public bool Autostart { get; init; }

    /// <summary>The working directory, or <c>"none"</c>.</summary>
    [RpcMember("directory")]
    public string Directory { get; init; } = "none";

    /// <summary>The uid (an int) or <c>"none"</c>.</summary>
    [RpcMember("uid")]
    public object Uid { get; init; } = "none";

    /// <summary>The <c>command</c> key.</summary>
    [RpcMember("command")]
    public required string Command { get; init; }

    /// <summary>The <c>exitcodes</c> key.</summary>
    [RpcMember("exitcodes")]
    public IReadOnlyList<int> Exitcodes { get; init; } = [0];

    /// <summary>The <c>group</c> key.</summary>
    [RpcMember("group")]
    public required string Group { get; init; }

    /// <summary>The <c>group_prio</c> key.</summary>
    [RpcMember("group_prio")]
    public int GroupPriority { get; init; }

    /// <summary>True when the group is active.</summary>
    [RpcMember("inuse")]
    public bool InUse { get; init; }

    /// <summary>The <c>killasgroup</c> key.</summary>
    [RpcMember("killasgroup")]
    public bool Killasgroup { get; init; }

    /// <summary>The <c>name</c> key.</summary>
    [RpcMember("name")]
    public required string Name { get; init; }

    /// <summary>The <c>process_prio</c> key.</summary>
    [RpcMember("process_prio")]
    public int ProcessPriority { get; init; }

    /// <summary>The <c>redirect_stderr</c> key.</summary>
    [RpcMember("redirect_stderr")]
    public bool RedirectStderr { get; init; }

    /// <summary>The <c>startretries</c> key.</summary>
    [RpcMember("startretries")]
    public int Startretries { get; init; }

    /// <summary>The <c>startsecs</c> key.</summary>
    [RpcMember("startsecs")]
    public int Startsecs { get; init; }

    /// <summary>The <c>stdout_capture_maxbytes</c> key.</summary>
    [RpcMember("stdout_capture_maxbytes")]
    public long StdoutCaptureMaxbytes { get; init; }

    /// <summary>The <c>stdout_events_enabled</c> key.</summary>
    [RpcMember("stdout_events_enabled")]
    public bool StdoutEventsEnabled { get; init; }

    /// <summary>The path, <c>"none"</c>, or <c>"auto"</c> while the group is not active.</summary>
    [RpcMember("stdout_logfile")]
    public string StdoutLogfile { get; init; } = "none";

    /// <summary>The <c>stdout_logfile_backups</c> key.</summary>
    [RpcMember("stdout_logfile_backups")]
    public int StdoutLogfileBackups { get; init; }

    /// <summary>The <c>stdout_logfile_maxbytes</c> key.</summary>
    [RpcMember("stdout_logfile_maxbytes")]
    public long StdoutLogfileMaxbytes { get; init; }

    /// <summary>The <c>stdout_syslog</c> key.</summary>
    [RpcMember("stdout_syslog")]
    public bool StdoutSyslog { get; init; }

    /// <summary>The stop signal's number.</summary>
    [RpcMember("stopsignal")]
    public int Stopsignal { get; init; }

    /// <summary>The <c>stopwaitsecs</c> key.</summary>
    [RpcMember("stopwaitsecs")]
    public int Stopwaitsecs { get; init; }

    /// <summary>The <c>stderr_capture_maxbytes</c> key.</summary>
    [RpcMember("stderr_capture_maxbytes")]
    public long StderrCaptureMaxbytes { get; init; }

    /// <summary>The <c>stderr_events_enabled</c> key.</summary>
    [RpcMember("stderr_events_enabled")]
    public bool StderrEventsEnabled { get; init; }

    /// <summary>The <c>stderr_logfile</c> key.</summary>
    [RpcMember("stderr_logfile")]
    public string StderrLogfile { get; init; } = "none";

    /// <summary>The <c>stderr_logfile_backups</c> key.</summary>
    [RpcMember("stderr_logfile_backups")]
    public int StderrLogfileBackups { get; init; }

    /// <summary>The <c>stderr_logfile_maxbytes</c> key.</summary>
    [RpcMember("stderr_logfile_maxbytes")]
    public long StderrLogfileMaxbytes { get; init; }

    /// <summary>The <c>stderr_syslog</c> key.</summary>
    [RpcMember("stderr_syslog")]
    public bool StderrSyslog { get; init; }

    /// <summary>The configured server URL, or <c>"none"</c> for AUTO.</summary>
    [RpcMember("serverurl")]
    public string ServerUrl { get; init; } = "none";
}

/// <summary>A start or stop the process loop has acted on (<see cref="IProcessTable.RequestStartAsync"/>).</summary>
/// <param name="Outcome">Completes, or faults, as the one-step <see cref="IProcessTable.StartAsync"/> or <see cref="IProcessTable.StopAsync"/> would.</param>
/// <param name="Waiting">
/// False when the loop decided the outcome as it acted on the request (a fault found before anything was
/// done, a spawn that failed, nothing left to wait for): <see cref="Outcome"/> is complete or about to be.
/// True when the outcome waits for the process (STARTING to end, the child to exit).
/// </param>
public sealed record ProcessRequest(Task<ProcessInfo> Outcome, bool Waiting);

/// <summary>How the pending configuration differs from the active groups, by group name.</summary>
/// <param name="Added">Groups in the configuration that are not active.</param>
/// <param name="Changed">Active groups whose configuration differs.</param>
/// <param name="Removed">Active groups no longer in the configuration.</param>
public sealed record ConfigChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed);

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

/// <summary>The reference's names for <see cref="ProcessState"/> values.</summary>
public static class ProcessStates
{
    /// <summary>The upper-case name the API and supervisorctl show, e.g. <c>RUNNING</c>.</summary>
    public static string WireName(ProcessState state) => state switch
    {
        ProcessState.Stopped => "STOPPED",
        ProcessState.Starting => "STARTING",
        ProcessState.Running => "RUNNING",
        ProcessState.Backoff => "BACKOFF",
        ProcessState.Stopping => "STOPPING",
        ProcessState.Exited => "EXITED",
        ProcessState.Fatal => "FATAL",
        _ => "UNKNOWN",
    };
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
