namespace Supervisor.Host.Http;

/// <summary>
/// Runs a connection's request where its socket event arrives instead of handing it from thread to thread.
/// By default .NET's socket layer posts every epoll event of a socket to the thread pool, and Kestrel then
/// posts the parsing, the application and the send to the pool again: three or four thread wake-ups per
/// request, and with the pool's idle workers blocking at once (the daemon's
/// <c>UnfairSemaphoreSpinLimit=0</c>) each costs a futex wake and a context switch. At one connection that
/// was most of a <c>getState</c> round trip (tests/Supervisor.Benchmarks/README.md, "One connection's round
/// trip"). With <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> the socket layer runs completions on
/// its event thread, and Kestrel's <c>UnsafePreferInlineScheduling</c>
/// (<see cref="GuardedSocketTransport"/>) keeps parsing, the call and the send there too.
/// <para>The price: whatever a request does before its first <see langword="await"/> that really waits holds
/// the event thread and the connections that share it. XML-RPC methods either declare themselves
/// non-blocking or run on their namespace's own threads (<c>Rpc/NamespaceThreads</c>), and the web pages,
/// which render for milliseconds and may be a plugin's, move to the thread pool first
/// (<see cref="OnThreadPool"/>).</para>
/// <para>The socket layer reads the variable once, when the first socket is used, so <see cref="Enable"/>
/// runs first thing in <c>Main</c>. A value the operator set (0 turns this off) is left alone; one the
/// daemon set is not handed on to children or config expansions (<see cref="HideFrom"/>).</para>
/// </summary>
internal static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// How many event threads the socket layer runs. With inline completions it would run one per core;
    /// the daemon asks for one: a second one's descriptors and thread were enough, under
    /// <c>prlimit --nofile=256</c>, for an idle crowd to push a password holder's connection into the
    /// <see cref="ConnectionGuard"/>'s reserve (Resilience/DescriptorExhaustionTests), and one thread
    /// that spends about 25 µs per request is far from being what limits the daemon.
    /// </summary>
    public const string ThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    private static readonly List<string> SetByDaemon = [];

    /// <summary>Asks the socket layer for inline completions on one event thread, unless the environment says otherwise.</summary>
    public static void Enable()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null)
        {
            return;
        }

        Set(Variable, "1");
        if (Environment.GetEnvironmentVariable(ThreadCountVariable) is null)
        {
            Set(ThreadCountVariable, "1");
        }
    }

    /// <summary>Removes the variables the daemon set from an environment built from the daemon's own.</summary>
    public static void HideFrom(IDictionary<string, string> environment)
    {
        foreach (var name in SetByDaemon)
        {
            environment.Remove(name);
        }
    }

    private static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        SetByDaemon.Add(name);
    }
}

/// <summary>An endpoint that starts on the thread pool, off the socket event thread (see <see cref="InlineSocketCompletions"/>).</summary>
internal sealed class OnThreadPool(IHttpEndpoint endpoint) : IHttpEndpoint
{
    public IHttpEndpoint Inner => endpoint;

    public async Task HandleAsync(HttpContext context)
    {
        await Task.Yield();
        await endpoint.HandleAsync(context);
    }
}
