using Supervisor.Abstractions;
using Supervisor.Host.Platform;
using Supervisor.Host.Rpc;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Http;

/// <summary>
/// What every request of every listener goes through, in this order: the start-up wait, the
/// <see cref="AuthenticationGate"/>, then the <see cref="Router"/> and the daemon's endpoints. The route table
/// is built here, in one place: an endpoint is added by adding its route, and it is behind the gate because
/// everything behind the router is.
/// </summary>
internal sealed class HttpPipeline
{
    private readonly Task _ready;
    private readonly CancellationTokenSource _stopping = new();

    /// <param name="ready">
    /// Completes with the dispatcher once the daemon is ready to serve. The listeners open while plugins and
    /// the engine are still being set up (in parallel, to shorten start-up), and a request that arrives before
    /// then waits, as the reference's first requests wait for its main loop.
    /// </param>
    /// <param name="bodies">Shared by every connection: how many body bytes may be arriving at once.</param>
    /// <param name="bodyTimeout">How long a request body may take to arrive in full.</param>
    /// <param name="processes">Whose logs <c>/logtail</c> streams; without it every process log stream is a 404.</param>
    /// <param name="trimmer">Told when a large body's memory becomes garbage, so the next quiet trim hands it back.</param>
    /// <param name="pages">
    /// The web interface's routes (src/Host/Web), tried after the others, given the token that ends their streams;
    /// the layer above this one makes them.
    /// </param>
    public HttpPipeline(Task<RpcDispatcher> ready, IMainLog log, XmlRpcLimits limits, long maxRequestBytes, BodyBudget bodies, TimeSpan bodyTimeout, IProcessTable? processes = null, MemoryTrimmer? trimmer = null, Func<CancellationToken, IEnumerable<Route>>? pages = null)
    {
        _ready = ready;
        var stopping = _stopping.Token;

        // Tried in this order. The reference tries XML-RPC first too ("last for speed (first checked)").
        Router = new Router(
        [
            new Route(HttpMethodSet.Post, PathMatch.Prefix("/RPC2"), new XmlRpcEndpoint(ready, log, limits, maxRequestBytes, bodies, bodyTimeout, trimmer)),
            new Route(HttpMethodSet.Get, PathMatch.Prefix("/logtail"), new ProcessLogTailEndpoint(processes, stopping)),
            new Route(HttpMethodSet.Get, PathMatch.Prefix("/mainlogtail"), new MainLogTailEndpoint(log, stopping)),
            .. (pages?.Invoke(stopping) ?? []).Select(page => page with { Endpoint = new OnThreadPool(page.Endpoint) }),
        ]);
    }

    public Router Router { get; }

    /// <summary>Ends every open stream (<c>tail -f</c>): the server is stopping.</summary>
    public void StopStreams() => _stopping.Cancel();

    /// <summary>
    /// Not an <see langword="async"/> method: once the daemon is ready, a request costs the gate's check and the
    /// router's compares on the way to its endpoint, and no state machine of its own.
    /// </summary>
    public Task HandleAsync(HttpContext context) =>
        _ready.IsCompletedSuccessfully ? PassAsync(context) : WaitThenPassAsync(context);

    private Task PassAsync(HttpContext context)
    {
        var refusal = AuthenticationGate.Check(context);
        return refusal == 0 ? Router.RouteAsync(context) : ErrorPages.WriteAsync(context, refusal);
    }

    private async Task WaitThenPassAsync(HttpContext context)
    {
        try
        {
            await _ready.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // Start-up failed (the daemon is exiting) or the client left: nothing to answer.
            context.Abort();
            return;
        }

        await PassAsync(context);
    }
}
