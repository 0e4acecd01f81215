using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>
/// Runs one per-process call for each of a list of processes and collects the status structs
/// (xmlrpc-api.md §1.7). The calls are all issued at once, in priority order, so their waits proceed
/// concurrently; entries are appended as calls complete, and calls found complete together are taken in
/// priority order, so the ones that finish at once (faults, no waiting) come first in priority order and
/// the waiting ones follow in completion order. No thread is held while waiting.
/// </summary>
internal static class BulkOperation
{
    public static async Task<List<ProcessResult>> RunAsync(IEnumerable<ProcessInfo> targets, Func<ProcessInfo, Task> call)
    {
        var pending = new List<(ProcessInfo Process, Task Call)>();
        foreach (var process in targets)
        {
            pending.Add((process, Issue(process, call)));
        }

        var results = new List<ProcessResult>(pending.Count);
        while (pending.Count > 0)
        {
            if (!pending.Exists(p => p.Call.IsCompleted))
            {
                await Task.WhenAny(pending.Select(p => p.Call)).ConfigureAwait(false);
            }

            for (var i = 0; i < pending.Count; i++)
            {
                var (process, task) = pending[i];
                if (task.IsCompleted)
                {
                    results.Add(Entry(process, task));
                    pending.RemoveAt(i--);
                }
            }
        }

        return results;
    }

    /// <summary>One call after the other, for operations the reference runs synchronously.</summary>
    public static async Task<List<ProcessResult>> RunInTurnAsync(IEnumerable<ProcessInfo> targets, Func<ProcessInfo, Task> call)
    {
        var results = new List<ProcessResult>();
        foreach (var process in targets)
        {
            var task = Issue(process, call);
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (RpcFaultException)
            {
                // Reported by Entry.
            }

            results.Add(Entry(process, task));
        }

        return results;
    }

    /// <summary>A call that throws before returning its task counts as a call that failed at once.</summary>
    private static Task Issue(ProcessInfo process, Func<ProcessInfo, Task> call)
    {
        try
        {
            return call(process);
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    private static ProcessResult Entry(ProcessInfo process, Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return ProcessResult.Success(process);
        }

        var error = task.Exception?.InnerException;
        if (error is RpcFaultException fault)
        {
            return ProcessResult.Fault(process, fault);
        }

        // Anything else is the whole call's failure, as an unexpected exception is for a single call.
        task.GetAwaiter().GetResult();
        throw new InvalidOperationException("unreachable");
    }
}
