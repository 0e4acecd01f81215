using Supervisor.Abstractions;
using Supervisor.Host.Logging;

namespace Supervisor.Host.Facade;

/// <summary>
/// The main log as plugins and the rest of the daemon see it (<see cref="IMainLog"/>): writes go straight
/// to the <see cref="MainLog"/>; <c>clearLog</c>'s outcomes become the reference's faults (NO_FILE without
/// a file, FAILED when it cannot be removed or reopened).
/// </summary>
internal sealed class MainLogFacade(MainLog log) : IMainLog
{
    public string? FilePath => log.FilePath;

    public MainLogLevel Level => log.Level;

    public bool IsEnabled(MainLogLevel level) => log.IsEnabled(level);

    public void Write(MainLogLevel level, string message) => log.Write(level, message);

    public void Clear()
    {
        switch (log.Clear())
        {
            case ClearOutcome.NoFile:
                throw new RpcFaultException(FaultCode.NoFile);
            case ClearOutcome.Failed:
                throw new RpcFaultException(FaultCode.Failed);
        }
    }
}
