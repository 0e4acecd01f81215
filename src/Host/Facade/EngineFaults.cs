using Supervisor.Abstractions;
using Supervisor.Host.Processes;

namespace Supervisor.Host.Facade;

/// <summary>
/// The one place where the engine's refusals (<see cref="EngineException"/>) become XML-RPC faults, with
/// the reference's codes and texts (Supervisor's <c>supervisor/rpcinterface.py</c>, each
/// <c>raise RPCError(Faults.X, name)</c>). A fault about a process or group is a
/// <see cref="ProcessFaultException"/>, so a plugin can name it as its caller did without matching text.
/// </summary>
internal static class EngineFaults
{
    public static RpcFaultException ToFault(EngineException e) => e.Error switch
    {
        EngineError.NoSuchProcess => About(FaultCode.BadName, e),
        EngineError.NoSuchGroup or EngineError.NoSuchConfiguredGroup => About(FaultCode.BadName, e),
        EngineError.CommandNotFound => new RpcFaultException(FaultCode.NoFile, e.Detail),
        EngineError.CommandNotExecutable => new RpcFaultException(FaultCode.NotExecutable, e.Detail),
        EngineError.AlreadyStarted => About(FaultCode.AlreadyStarted, e),
        EngineError.UnknownState => About(FaultCode.Failed, e, after: " is in an unknown process state"),
        EngineError.SpawnFailed => About(FaultCode.SpawnError, e),
        EngineError.ExitedWhileStarting => About(FaultCode.AbnormalTermination, e),
        EngineError.NotRunning => About(FaultCode.NotRunning, e),
        EngineError.SignalFailed => new RpcFaultException(FaultCode.Failed, e.Detail),
        EngineError.StdinClosed => About(FaultCode.NoFile, e),
        EngineError.StdinFull => About(FaultCode.Failed, e, before: "stdin buffer of ", after: " is full: " + e.Detail),
        EngineError.LogsNotCleared => About(FaultCode.Failed, e),
        EngineError.ConfigurationRefused => new RpcFaultException(FaultCode.CantReread, e.Detail),

        // A process added to a group it is in already is named group:name whatever the names (as twiddler does).
        EngineError.AlreadyActive when e.Process is not null => About(FaultCode.AlreadyAdded, e, shown: $"{e.Group}:{e.Process}"),
        EngineError.AlreadyActive => About(FaultCode.AlreadyAdded, e),
        EngineError.StillRunning => About(FaultCode.StillRunning, e),
        EngineError.InvalidProgramOptions => new RpcFaultException(FaultCode.IncorrectParameters, e.Detail),
        EngineError.ShuttingDown => new RpcFaultException(FaultCode.ShutdownState),
        _ => new RpcFaultException(FaultCode.Failed, e.Message),
    };

    /// <summary>The task's outcome, with an engine refusal turned into its fault.</summary>
    public static async Task<T> Translated<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (EngineException e)
        {
            throw ToFault(e);
        }
    }

    /// <inheritdoc cref="Translated{T}(Task{T})"/>
    public static async Task Translated(Task operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (EngineException e)
        {
            throw ToFault(e);
        }
    }

    /// <summary>
    /// The reference's name for a process in its faults: the process name alone when it is its group's
    /// only name (<c>web</c> in group <c>web</c>), else <c>group:name</c>; a group by its name.
    /// </summary>
    public static string DisplayName(string group, string? process) =>
        process is null || process == group ? process ?? group : $"{group}:{process}";

    private static ProcessFaultException About(FaultCode code, EngineException e, string before = "", string after = "", string? shown = null) =>
        new(code, e.Group ?? "", e.Process, shown ?? DisplayName(e.Group ?? "", e.Process), before, after);
}
