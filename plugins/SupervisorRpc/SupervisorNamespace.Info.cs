using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>Process information: getProcessInfo, getAllProcessInfo.</summary>
public sealed partial class SupervisorNamespace
{
    [RpcMethod(NonBlocking = true, Help = """
        Return a struct describing one process.

        Keys: name, group; start, stop and now (Unix times; 0 means never); state and statename;
        spawnerr (the last spawn problem, or empty); exitstatus; logfile (same as stdout_logfile),
        stdout_logfile, stderr_logfile (empty when there is none); pid (0 without a child); and the
        description supervisorctl status shows: "pid N, uptime H:MM:SS" while running, the spawn
        error in BACKOFF/FATAL, the stop time (or "Not started") when stopped or exited.
        A group spec or an unknown name is BAD_NAME.
        """)]
    [return: RpcReturn("result", "A structure containing data about the process")]
    public ProcessStatus GetProcessInfo([RpcParam("The name of the process (or 'group:name')", Type = "string")] object name)
    {
        Gate();
        return Status(ResolveProcess(name).Process);
    }

    [RpcMethod(NonBlocking = true, Help = """
        Return the getProcessInfo struct of every active process, ordered by group name and then by
        process name.
        """)]
    [return: RpcReturn("result", "An array of process status results")]
    public FrozenResult<List<ProcessStatus>> GetAllProcessInfo()
    {
        Gate();

        // The answer depends only on the engine's snapshot and the current second (now, uptimes), and
        // fleet tools poll it from many clients: while neither changed, the same frozen answer is
        // returned, so the host sends the bytes it encoded the first time.
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var zone = _clock.LocalTimeZone;
        var processes = Processes.AllProcesses;
        var last = Volatile.Read(ref _lastAllProcessInfo);
        if (last is not null && ReferenceEquals(last.Processes, processes) && last.Now == now && ReferenceEquals(last.Zone, zone)
            && last.Answer.TryGetTarget(out var kept))
        {
            return kept;
        }

        // AllProcesses is already in getAllProcessInfo's order (group name, then process name).
        var result = new List<ProcessStatus>(processes.Count);
        foreach (var process in processes)
        {
            result.Add(ProcessStatus.From(process, now, zone));
        }

        var answer = new FrozenResult<List<ProcessStatus>>(result);
        Volatile.Write(ref _lastAllProcessInfo, new AllProcessInfoAnswer(processes, now, zone, new WeakReference<FrozenResult<List<ProcessStatus>>>(answer)));
        return answer;
    }

    private ProcessStatus Status(ProcessInfo process) =>
        ProcessStatus.From(process, _clock.GetUtcNow().ToUnixTimeSeconds(), _clock.LocalTimeZone);

    /// <summary>
    /// The last getAllProcessInfo answer and what it was made from. The answer is held weakly: it is
    /// reused while calls keep it alive, and a collection once they stop (the daemon's trim) takes it
    /// and its encoded bytes away (6 MB with 5,000 processes) instead of keeping a stale answer for good.
    /// </summary>
    private sealed record AllProcessInfoAnswer(IReadOnlyList<ProcessInfo> Processes, long Now, TimeZoneInfo Zone, WeakReference<FrozenResult<List<ProcessStatus>>> Answer);
}
