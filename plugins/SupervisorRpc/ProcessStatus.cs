using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>The struct <c>getProcessInfo</c> answers, keys in the reference's order.</summary>
public sealed record ProcessStatus
{
    [RpcMember("name")]
    public required string Name { get; init; }

    [RpcMember("group")]
    public required string Group { get; init; }

    [RpcMember("start")]
    public int Start { get; init; }

    [RpcMember("stop")]
    public int Stop { get; init; }

    [RpcMember("now")]
    public int Now { get; init; }

    [RpcMember("state")]
    public int State { get; init; }

    [RpcMember("statename")]
    public required string StateName { get; init; }

    [RpcMember("spawnerr")]
    public required string SpawnError { get; init; }

    [RpcMember("exitstatus")]
    public int ExitStatus { get; init; }

    /// <summary>The stdout log again, for old clients.</summary>
    [RpcMember("logfile")]
    public required string Logfile { get; init; }

    [RpcMember("stdout_logfile")]
    public required string StdoutLogfile { get; init; }

    [RpcMember("stderr_logfile")]
    public required string StderrLogfile { get; init; }

    [RpcMember("pid")]
    public int Pid { get; init; }

    [RpcMember("description")]
    public required string Description { get; init; }

    /// <summary>The struct for a snapshot taken at <paramref name="now"/> (Unix seconds); times clamped to 32 bits.</summary>
    internal static ProcessStatus From(ProcessInfo info, long now, TimeZoneInfo zone)
    {
        int start = Clamp(info.Start), stop = Clamp(info.Stop), at = Clamp(now);
        return new ProcessStatus
        {
            Name = info.Name,
            Group = info.Group,
            Start = start,
            Stop = stop,
            Now = at,
            State = (int)info.State,
            StateName = ProcessStates.WireName(info.State),
            SpawnError = info.SpawnError,
            ExitStatus = info.ExitStatus,
            Logfile = info.StdoutLogfile,
            StdoutLogfile = info.StdoutLogfile,
            StderrLogfile = info.StderrLogfile,
            Pid = info.Pid,
            Description = ProcessDescriptions.Describe(info.State, info.Name, info.Pid, info.SpawnError, start, stop, at, zone),
        };
    }

    private static int Clamp(long seconds) => (int)Math.Clamp(seconds, int.MinValue, int.MaxValue);
}

/// <summary>One entry of a group/all operation's result (<c>supervisor/rpcinterface.py</c>, <c>make_allfunc</c>).</summary>
/// <param name="Name">The process name.</param>
/// <param name="Group">The group name.</param>
/// <param name="Status">80 (SUCCESS) or the fault code met.</param>
/// <param name="Description"><c>OK</c> or the faultString.</param>
public sealed record ProcessResult(
    [property: RpcMember("name")] string Name,
    [property: RpcMember("group")] string Group,
    [property: RpcMember("status")] int Status,
    [property: RpcMember("description")] string Description)
{
    internal static ProcessResult Success(ProcessInfo process) => new(process.Name, process.Group, (int)FaultCode.Success, "OK");

    internal static ProcessResult Fault(ProcessInfo process, RpcFaultException fault) => new(process.Name, process.Group, fault.Code, fault.FaultString);
}
