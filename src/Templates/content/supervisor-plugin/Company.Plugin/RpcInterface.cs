using Microsoft.Extensions.Logging;
using Supervisor.Abstractions;

namespace Company.Plugin;

/// <summary>
/// The factory that <c>supervisor.rpcinterface_factory</c> names (see rpcinterface.conf). The daemon calls
/// it once per start, like Supervisor's <c>factory(supervisord, **section)</c>: the section's <c>step</c>
/// key fills <paramref name="step"/> (or its default), and services such as <see cref="ILogger{T}"/> are
/// injected by type.
/// </summary>
public static class Factory
{
    public static RpcInterface MakeRpcInterface(ISupervisord supervisord, ILogger<RpcInterface> logger, int step = 1)
    {
        if (step < 1)
        {
            // Start-up fails with this message, naming the section.
            throw new ArgumentOutOfRangeException(nameof(step), step, "step must be at least 1");
        }

        return new RpcInterface(supervisord, logger, step);
    }
}

/// <summary>The <c>plugin_rpc_namespace</c> namespace: every public method marked [RpcMethod] is callable as <c>plugin_rpc_namespace.name</c>.</summary>
public sealed class RpcInterface(ISupervisord supervisord, ILogger<RpcInterface> logger, int step)
{
    private int _count;

    [RpcMethod(Help = "Add the configured step to the counter and return the new value.")]
    [return: RpcReturn("count", "the counter after the step")]
    public int Increment()
    {
        var count = Interlocked.Add(ref _count, step);

        // Lands in the daemon's main log: "INFO Company.Plugin.RpcInterface: counter is now 2".
        logger.LogInformation("counter is now {Count}", count);
        return count;
    }

    [RpcMethod(Help = "Greet someone, naming the daemon that answers.")]
    [return: RpcReturn("greeting", "the greeting")]
    public string Greet([RpcParam("who to greet")] string name) =>
        $"Hello {name}, from {supervisord.Identifier}";
}
