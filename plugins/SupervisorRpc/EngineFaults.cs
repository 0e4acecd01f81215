using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>
/// The process table names a process in its faults; the reference shows the name as the caller gave it
/// (<c>NOT_RUNNING: web</c> for <c>"web"</c>, <c>NOT_RUNNING: web:web</c> for <c>"web:web"</c>), and bulk
/// operations show the display name. This puts the caller's spelling back.
/// </summary>
internal static class EngineFaults
{
    private const string UnknownStateSuffix = " is in an unknown process state";

    public static async Task<T> Named<T>(Task<T> operation, string group, string process, string given)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (RpcFaultException e)
        {
            throw Rename(e, group, process, given);
        }
    }

    public static async Task Named(Task operation, string group, string process, string given)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (RpcFaultException e)
        {
            throw Rename(e, group, process, given);
        }
    }

    public static RpcFaultException Rename(RpcFaultException fault, string group, string process, string given)
    {
        if (fault.Detail is not { } detail)
        {
            return fault;
        }

        string[] spellings = [NameSpec.Display(group, process), group + ":" + process, process];
        foreach (var spelling in spellings)
        {
            if (detail == spelling)
            {
                return new RpcFaultException(fault.Code, fault.FaultName, given);
            }

            if (detail == spelling + UnknownStateSuffix)
            {
                return new RpcFaultException(fault.Code, fault.FaultName, given + UnknownStateSuffix);
            }
        }

        return fault;
    }
}
