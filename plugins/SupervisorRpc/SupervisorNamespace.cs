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

    [RpcMethod(Aliases = ["getVersion"], Help = """
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

    [RpcMethod(Help = "Return the version of the Supervisor release this daemon is compatible with.")]
    [return: RpcReturn("version", "version id")]
    public string GetSupervisorVersion()
    {
        Gate();
        return supervisord.SupervisorVersion;
    }

    [RpcMethod(Help = """
        Return the identifying string of this supervisord (the [supervisord] identifier setting),
        so a client talking to several daemons can tell them apart.
        """)]
    [return: RpcReturn("identifier", "identifying string")]
    public string GetIdentification()
    {
        Gate();
        return supervisord.Identifier;
    }

    [RpcMethod(Help = """
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

    [RpcMethod("getPID", Help = "Return the OS process id of supervisord; it does not change across a restart.")]
    [return: RpcReturn("result", "PID")]
    public int GetPid()
    {
        Gate();
        return supervisord.Pid;
    }

    [RpcMethod(Aliases = ["readMainLog"], Help = """
        Read length bytes from the main log starting at offset.

        offset >= 0, length > 0: up to length bytes from offset. offset >= 0, length 0: from offset
        to the end. offset < 0, length 0: the last -offset bytes. A negative length, or a negative
        offset with a non-zero length, is BAD_ARGUMENTS. NO_FILE when there is no log file.
        readMainLog is the deprecated name of this method.
        """)]
    [return: RpcReturn("result", "Bytes of log")]
    public string ReadLog(
        [RpcParam("offset to start reading from.")] int offset,
        [RpcParam("number of bytes to read from the log.")] int length)
    {
        Gate();
        var path = supervisord.MainLog.FilePath ?? throw new RpcFaultException(FaultCode.NoFile);
        if (!Path.Exists(path))
        {
            throw new RpcFaultException(FaultCode.NoFile, path);
        }

        return LogFileReader.Read(path, offset, length);
    }

    [RpcMethod(Help = """
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

    [RpcMethod(Help = "Shut down the supervisor process: stop every process, then exit.")]
    [return: RpcReturn("result", "always returns True unless error")]
    public bool Shutdown()
    {
        Gate();
        supervisord.RequestShutdown();
        return true;
    }

    [RpcMethod(Help = """
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
    /// The active group and process a name designates (xmlrpc-api.md §1.5); the process is null for a group
    /// spec. BAD_NAME with the name as given when the group is not active or has no such process.
    /// </summary>
    private (ProcessGroupInfo Group, ProcessInfo? Process) Resolve(string name)
    {
        var spec = NameSpec.Parse(name);
        var group = Processes.FindGroup(spec.Group) ?? throw BadName(name);
        if (spec.Process is null)
        {
            return (group, null);
        }

        var process = group.Processes.FirstOrDefault(p => p.Name == spec.Process) ?? throw BadName(name);
        return (group, process);
    }

    /// <summary>As <see cref="Resolve"/>, for methods that need one process: a group spec is BAD_NAME too.</summary>
    private ProcessInfo ResolveProcess(string name) => Resolve(name).Process ?? throw BadName(name);

    private static RpcFaultException BadName(string name) => new(FaultCode.BadName, name);
}
