using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>
/// The reference shows a process's name in its faults as the caller gave it (<c>NOT_RUNNING: web</c> for
/// <c>"web"</c>, <c>NOT_RUNNING: web:web</c> for <c>"web:web"</c>); the process table's faults about a process
/// say which one they are about (<see cref="ProcessFaultException"/>), so the caller's spelling goes back in
/// without looking at the text.
/// </summary>
internal static class EngineFaults
{
    public static async Task<T> Named<T>(Task<T> operation, string given)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (ProcessFaultException e)
        {
            throw e.Naming(given);
        }
    }

    public static async Task Named(Task operation, string given)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (ProcessFaultException e)
        {
            throw e.Naming(given);
        }
    }
}
