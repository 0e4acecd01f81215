using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>The daemon's state as <c>getState</c> reports it.</summary>
public sealed record SupervisorStateInfo(
    [property: RpcMember("statecode")] int StateCode,
    [property: RpcMember("statename")] string StateName);

/// <summary>
/// The built-in <c>supervisor</c> XML-RPC namespace, written only against the plugin SDK. Every method
/// but <c>sendRemoteCommEvent</c> first refuses to work once a shutdown or restart is under way
/// (SHUTDOWN_STATE), as the reference does. This part holds the daemon-level methods; the others are in
/// SupervisorNamespace.*.cs by topic.
/// </summary>
public sealed partial class SupervisorNamespace(ISupervisord supervisord)
{
    private readonly TimeProvider _clock = TimeProvider.System;

    // getAllProcessInfo's last answer (SupervisorNamespace.Info.cs), swapped whole by whichever call made it.
    private AllProcessInfoAnswer? _lastAllProcessInfo;

    /// <summary>A namespace reading the time (<c>now</c>, uptimes, the local time zone) from <paramref name="clock"/>.</summary>
    public SupervisorNamespace(ISupervisord supervisord, TimeProvider clock)
        : this(supervisord)
    {
        _clock = clock;
    }

    private IProcessTable Processes => supervisord.Processes;

    [RpcMethod(NonBlocking = true, Aliases = ["getVersion"], Help = """
        Return the version of the RPC API used by supervisord.

        The API version changes only when the API does, so clients can check it before calling
        anything else. getVersion is the deprecated name of this method, kept because
        supervisorctl still calls it.
        """)]
    [return: RpcReturn("version", "version id")]
    public string GetAPIVersion()
    {
        Gate();
        return supervisord.ApiVersion;
    }

    [RpcMethod(NonBlocking = true, Help = "Return the version of the Supervisor release this daemon is compatible with.")]
    [return: RpcReturn("version", "version id")]
    public string GetSupervisorVersion()
    {
        Gate();
        return supervisord.SupervisorVersion;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Return the identifying string of this supervisord (the [supervisord] identifier setting),
        so a client talking to several daemons can tell them apart.
        """)]
    [return: RpcReturn("identifier", "identifying string")]
    public string GetIdentification()
    {
        Gate();
        return supervisord.Identifier;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Return the current state of supervisord as a struct.

        statecode/statename: 2 FATAL, 1 RUNNING, 0 RESTARTING, -1 SHUTDOWN. Calls made while
        restarting or shutting down fail with SHUTDOWN_STATE, so a successful answer is RUNNING.
        """)]
    [return: RpcReturn("result", "A struct with keys int statecode, string statename")]
    public SupervisorStateInfo GetState()
    {
        Gate();
        var state = supervisord.State;
        return new SupervisorStateInfo((int)state, SupervisorStates.WireName(state));
    }

    [RpcMethod("getPID", NonBlocking = true, Help = "Return the OS process id of supervisord; it does not change across a restart.")]
    [return: RpcReturn("result", "PID")]
    public int GetPid()
    {
        Gate();
        return supervisord.Pid;
    }

    [RpcMethod(NonBlocking = true, Aliases = ["readMainLog"], Help = """
        Read length bytes from the main log starting at offset.

        offset >= 0, length > 0: up to length bytes from offset. offset >= 0, length 0: from offset
        to the end. offset < 0, length 0: the last -offset bytes. A negative length, or a negative
        offset with a non-zero length, is BAD_ARGUMENTS. NO_FILE when there is no log file.
        readMainLog is the deprecated name of this method.
        """)]
    [return: RpcReturn("result", "Bytes of log")]
    public string ReadLog(
        [RpcParam("offset to start reading from.", Type = "int")] object offset,
        [RpcParam("number of bytes to read from the log.", Type = "int")] object length)
    {
        Gate();
        var path = supervisord.MainLog.FilePath ?? throw new RpcFaultException(FaultCode.NoFile);
        if (!Path.Exists(path))
        {
            throw new RpcFaultException(FaultCode.NoFile, path);
        }

        return LogFileReader.Read(path, PythonArguments.Int(offset, "offset"), PythonArguments.Int(length, "length"));
    }

    [RpcMethod(NonBlocking = true, Help = """
        Clear the main log: the current file is removed and reopened empty; rotated backups stay.

        NO_FILE when there is no log file, FAILED when it cannot be removed.
        """)]
    [return: RpcReturn("result", "always returns True unless error")]
    public bool ClearLog()
    {
        Gate();
        supervisord.MainLog.Clear();
        return true;
    }

    [RpcMethod(NonBlocking = true, Help = "Shut down the supervisor process: stop every process, then exit.")]
    [return: RpcReturn("result", "always returns True unless error")]
    public bool Shutdown()
    {
        Gate();
        supervisord.RequestShutdown();
        return true;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Restart the supervisor process: stop every process, re-read the configuration and reload
        the plugins, in the same OS process.
        """)]
    [return: RpcReturn("result", "always return True unless error")]
    public bool Restart()
    {
        Gate();
        supervisord.RequestRestart();
        return true;
    }

    /// <summary>Once a shutdown or restart is requested, the namespace answers only SHUTDOWN_STATE.</summary>
    private void Gate()
    {
        if (supervisord.State < SupervisorState.Running)
        {
            throw new RpcFaultException(FaultCode.ShutdownState);
        }
    }

    /// <summary>
    /// The active group and process a name designates (<c>supervisor/rpcinterface.py</c>,
    /// <c>_getGroupAndProcess</c>); the process is null for a group spec. <c>Given</c> is the name as the
    /// caller spelled it, which the reference's faults show: BAD_NAME with it when the group is not active or
    /// has no such process. A name that is no string is INCORRECT_PARAMETERS (the reference splits it at its
    /// colon and fails with HTTP 500).
    /// </summary>
    private (ProcessGroupInfo Group, ProcessInfo? Process, string Given) Resolve(object name)
    {
        var given = PythonArguments.Text(name, "name");
        var spec = NameSpec.Parse(given);
        var group = Processes.FindGroup(spec.Group) ?? throw BadName(given);
        if (spec.Process is null)
        {
            return (group, null, given);
        }

        var process = group.Processes.FirstOrDefault(p => p.Name == spec.Process) ?? throw BadName(given);
        return (group, process, given);
    }

    /// <summary>As <see cref="Resolve"/>, for methods that need one process: a group spec is BAD_NAME too.</summary>
    private (ProcessInfo Process, string Given) ResolveProcess(object name)
    {
        var (_, process, given) = Resolve(name);
        return (process ?? throw BadName(given), given);
    }

    /// <summary>
    /// The active group named <paramref name="name"/>, looked up as the reference looks in its dict of groups: a
    /// value that is no string finds none, an array or a struct cannot be looked up (INCORRECT_PARAMETERS).
    /// </summary>
    private ProcessGroupInfo? FindGroup(object? name) =>
        PythonArguments.Key(name) is { } key ? Processes.FindGroup(key) : null;

    /// <summary>BAD_NAME with the name as Python's <c>str()</c> shows it (none for nil).</summary>
    private static RpcFaultException BadName(object? name) => PythonArguments.Fault(FaultCode.BadName, name);
}
