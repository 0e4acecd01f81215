using Supervisor.Abstractions;

namespace Supervisor.Host.Facade;

/// <summary>
/// What <see cref="SupervisordFacade"/> needs of the daemon's lifecycle (<c>Supervisord</c> implements it),
/// so the facade does not reach up into the code that builds and runs the daemon.
/// </summary>
internal interface IDaemonLifecycle
{
    int Pid { get; }

    SupervisorState State { get; }

    /// <summary><c>[supervisord] identifier</c> of the generation now running.</summary>
    string Identifier { get; }

    IMainLog MainLog { get; }

    ISupervisorConfig Config { get; }

    IProcessTable Processes { get; }

    IEventBus Events { get; }

    /// <summary>Begins a shutdown or restart; false when one is already under way.</summary>
    bool TryRequestStop(SupervisorState target);
}

/// <summary>
/// The daemon as every plugin receives it (<see cref="ISupervisord"/>): versions, identity and state from
/// the lifecycle, the current generation's log, config and event bus, the process table; a shutdown or
/// restart asked for while one is under way is the reference's SHUTDOWN_STATE.
/// </summary>
internal sealed class SupervisordFacade(IDaemonLifecycle daemon) : ISupervisord
{
    /// <summary>The version of Supervisor whose API and behaviour the daemon implements (getSupervisorVersion).</summary>
    public const string Version = "4.2.5";

    public string SupervisorVersion => Version;

    public string ApiVersion => "3.0";

    public string Identifier => daemon.Identifier;

    public int Pid => daemon.Pid;

    public SupervisorState State => daemon.State;

    public IMainLog MainLog => daemon.MainLog;

    public ISupervisorConfig Config => daemon.Config;

    public IProcessTable Processes => daemon.Processes;

    public IEventBus Events => daemon.Events;

    public void RequestShutdown() => RequestStop(SupervisorState.Shutdown);

    public void RequestRestart() => RequestStop(SupervisorState.Restarting);

    private void RequestStop(SupervisorState target)
    {
        if (!daemon.TryRequestStop(target))
        {
            throw new RpcFaultException(FaultCode.ShutdownState);
        }
    }
}
