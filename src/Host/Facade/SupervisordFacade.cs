using Supervisor.Abstractions;

namespace Supervisor.Host.Facade;

/// <summary>
/// The daemon as every plugin receives it (<see cref="ISupervisord"/>): versions, identity and state from
/// the lifecycle (<see cref="Supervisord"/>), the current generation's log, config and event bus, the
/// process table; a shutdown or restart asked for while one is under way is the reference's SHUTDOWN_STATE.
/// </summary>
internal sealed class SupervisordFacade(Supervisord daemon) : ISupervisord
{
    public string SupervisorVersion => Supervisord.Version;

    public string ApiVersion => "3.0";

    public string Identifier => daemon.Current.Settings.Identifier;

    public int Pid => daemon.Pid;

    public SupervisorState State => daemon.State;

    public IMainLog MainLog => daemon.Current.LogFacade;

    public ISupervisorConfig Config => daemon.Current.Config;

    public IProcessTable Processes => daemon.Processes;

    public IEventBus Events => daemon.Current.Events;

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
