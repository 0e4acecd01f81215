namespace Supervisor.Abstractions;

/// <summary>
/// The running daemon as a plugin sees it: the first argument of every rpcinterface factory,
/// like the <c>supervisord</c> object Supervisor hands its Python factories. Everything the
/// built-in <c>supervisor</c> namespace does, it does through this facade.
/// </summary>
public interface ISupervisord
{
    /// <summary>The Supervisor release this daemon is compatible with (<c>4.2.5</c>).</summary>
    string SupervisorVersion { get; }

    /// <summary>The version of the <c>supervisor</c> XML-RPC API (<c>3.0</c>).</summary>
    string ApiVersion { get; }

    /// <summary>The <c>[supervisord] identifier</c> value.</summary>
    string Identifier { get; }

    /// <summary>The daemon's OS process id; unchanged across a restart.</summary>
    int Pid { get; }

    /// <summary>The daemon's current state.</summary>
    SupervisorState State { get; }

    /// <summary>The daemon's main log.</summary>
    IMainLog MainLog { get; }

    /// <summary>The configuration in force.</summary>
    ISupervisorConfig Config { get; }

    /// <summary>The process groups and their processes.</summary>
    IProcessTable Processes { get; }

    /// <summary>In-process event subscription and publication.</summary>
    IEventBus Events { get; }

    /// <summary>
    /// Asks the daemon to stop its processes and exit. Returns at once; the daemon state becomes
    /// <see cref="SupervisorState.Shutdown"/>.
    /// </summary>
    /// <exception cref="RpcFaultException">SHUTDOWN_STATE when a shutdown or restart is already under way.</exception>
    void RequestShutdown();

    /// <summary>
    /// Asks the daemon to stop its processes, re-read its configuration and reload its plugins in
    /// the same OS process. Returns at once; the state becomes <see cref="SupervisorState.Restarting"/>.
    /// </summary>
    /// <exception cref="RpcFaultException">SHUTDOWN_STATE when a shutdown or restart is already under way.</exception>
    void RequestRestart();
}

/// <summary>Supervisor's daemon states, with the reference's codes.</summary>
public enum SupervisorState
{
    /// <summary>Defined by the reference, never entered.</summary>
    Fatal = 2,

    /// <summary>Working normally.</summary>
    Running = 1,

    /// <summary>Stopping everything before re-reading the configuration.</summary>
    Restarting = 0,

    /// <summary>Stopping everything before exiting.</summary>
    Shutdown = -1,
}

/// <summary>Wire names of <see cref="SupervisorState"/> values.</summary>
public static class SupervisorStates
{
    /// <summary>The <c>statename</c> Supervisor reports for a state.</summary>
    public static string WireName(SupervisorState state) => state switch
    {
        SupervisorState.Fatal => "FATAL",
        SupervisorState.Running => "RUNNING",
        SupervisorState.Restarting => "RESTARTING",
        SupervisorState.Shutdown => "SHUTDOWN",
        _ => "UNKNOWN",
    };
}
