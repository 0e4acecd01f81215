using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>
/// Runs one per-process call for each of a list of processes and collects the status structs (Supervisor's
/// <c>supervisor/rpcinterface.py</c>, <c>make_allfunc</c>), in the reference's order: the calls are all made
/// at once, in priority order, so their waits proceed together; the outcomes the process loop decided as it
/// acted on a call (faults such as NO_FILE, starts with nothing to wait for) come first, in priority order,
/// then the waiting ones as they complete (those found complete together in priority order). No thread is
/// held while waiting.
/// </summary>
internal static class BulkOperation
{
    public static async Task<List<ProcessResult>> RunAsync(IEnumerable<ProcessInfo> targets, Func<ProcessInfo, Task<ProcessRequest>> request)
    {
        var requests = new List<(ProcessInfo Process, Task<ProcessRequest> Request)>();
        foreach (var process in targets)
        {
            requests.Add((process, Issue(process, request)));
        }

        // Which outcomes were decided on the spot is what the loop says, not which tasks happen to be seen
        // complete first: a child that dies at once can finish its wait before a NO_FILE is looked at.
        var results = new List<ProcessResult>(requests.Count);
        var pending = new List<(ProcessInfo Process, Task Call)>();
        foreach (var (process, issued) in requests)
        {
            try
            {
                var taken = await issued.ConfigureAwait(false);
                if (taken.Waiting)
                {
                    pending.Add((process, taken.Outcome));
                    continue;
                }

                await Settle(taken.Outcome).ConfigureAwait(false);
                results.Add(Entry(process, taken.Outcome));
            }
            catch (RpcFaultException fault)
            {
                results.Add(ProcessResult.Fault(process, fault));
            }
        }

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
            await Settle(task).ConfigureAwait(false);
            results.Add(Entry(process, task));
        }

        return results;
    }

    /// <summary>A call that throws before returning its task counts as a call that failed at once.</summary>
    private static Task<T> Issue<T>(ProcessInfo process, Func<ProcessInfo, Task<T>> call)
    {
        try
        {
            return call(process);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

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

    /// <summary>Waits for a task without throwing its fault (<see cref="Entry"/> reads it).</summary>
    private static async Task Settle(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (RpcFaultException)
        {
            // Reported by Entry.
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
