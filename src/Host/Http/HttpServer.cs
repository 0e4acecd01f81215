using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Supervisor.Abstractions;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Http;

/// <summary>
/// Kestrel on every configured listener at once, all served by one <see cref="HttpPipeline"/>.
/// Unix sockets follow the reference: a stale socket file is unlinked, a live one is an error, the
/// file gets its <c>chmod</c>/<c>chown</c> before it accepts anything (<see cref="GuardedSocketTransport"/>)
/// and is removed on stop. Every connection is tracked by the <see cref="ConnectionGuard"/>.
/// <para>The server is Kestrel alone, without ASP.NET Core's generic host (configuration, logging,
/// dependency injection, routing): the daemon needs none of it, and the host cost about 50 ms of
/// start-up and 7 MiB of memory.</para>
/// </summary>
internal sealed class HttpServer(IReadOnlyList<ListenerConfig> listeners, HttpPipeline handler, IMainLog log, MemoryTrimmer? trimmer = null, ILoggerFactory? loggers = null) : IAsyncDisposable
{
    public const string PortInUseMessage = "Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord.";

    /// <summary>The category Kestrel's own socket transport logs under.</summary>
    private const string TransportCategory = "Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets";

    private readonly List<string> _claimedSocketPaths = [];
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly QuietTrim _quietTrim = new(log, trimmer: trimmer);
    private readonly ConnectionGuard _guard = new(log, ResourceLimits.OpenFilesLimit(), ResourceLimits.OpenFilesInUse());
    private KestrelServer? _server;
    private GuardedSocketTransport? _transport;

    /// <exception cref="HttpServerException">A listener could not be opened; the message says why.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var unix in listeners.OfType<UnixListenerConfig>())
        {
            PrepareSocketPath(unix);
            _claimedSocketPaths.Add(unix.Path);
        }

        var options = new KestrelServerOptions { AddServerHeader = false };
        ConfigureLimits(options.Limits);
        var bindings = new List<(EndPoint, ListenerConfig)>();
        foreach (var listener in listeners)
        {
            switch (listener)
            {
                case UnixListenerConfig unix:
                    options.ListenUnixSocket(unix.Path);
                    bindings.Add((new UnixDomainSocketEndPoint(unix.Path), listener));
                    break;
                case InetListenerConfig inet:
                    var endpoint = Endpoint(inet);
                    options.Listen(endpoint);
                    bindings.Add((endpoint, listener));
                    break;
            }
        }

        // Kestrel's own diagnostics (bad requests, application errors, slow heartbeats) go to the main log.
        var kestrelLoggers = loggers ?? NullLoggerFactory.Instance;
        var transport = new GuardedSocketTransport(bindings, _guard, kestrelLoggers.CreateLogger(TransportCategory));
        var server = new KestrelServer(Options.Create(options), transport, kestrelLoggers);
        try
        {
            await server.StartAsync(new Application(handler, _quietTrim, log), cancellationToken);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await StopAsync(server, transport);
            throw new HttpServerException(PortInUseMessage);
        }
        catch (HttpServerException)
        {
            await StopAsync(server, transport);
            throw;
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
        {
            await StopAsync(server, transport);
            throw new HttpServerException($"Cannot open an HTTP server: {e.Message}");
        }

        _server = server;
        _transport = transport;
    }

    /// <summary>
    /// Kestrel's limits, set for a daemon that must outlive careless and hostile clients alike: request
    /// headers within 10 s, bodies at no less than 240 bytes/s after 5 s (Kestrel's default rate),
    /// keep-alive connections closed after Kestrel's 130 s of idleness. Bodies are bounded in size and
    /// time by <see cref="XmlRpcEndpoint"/>; connections by <see cref="ConnectionGuard"/>.
    /// </summary>
    private static void ConfigureLimits(KestrelServerLimits limits)
    {
        limits.MaxRequestBodySize = null;
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// The reference's CRIT line for each listener without a username. Separate from <see cref="StartAsync"/>,
    /// which runs alongside plugin loading, so the lines keep their place after "RPC interface ... initialized".
    /// </summary>
    public void WarnAboutOpenListeners()
    {
        foreach (var listener in listeners.Where(l => l.Username is null))
        {
            log.Write(MainLogLevel.Critical, $"Server '{listener.Section}' running without any HTTP authentication checking");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            // Endless log streams end now rather than holding the graceful stop for its whole timeout.
            handler.StopStreams();
            await StopAsync(_server, _transport);
            _server = null;
            _transport = null;
        }

        _quietTrim.Dispose();
        _guard.Dispose();

        RemoveSocketFiles();
    }

    /// <summary>
    /// Removes the socket files this server claimed (only those: a live one found at start-up belongs to
    /// another daemon and must survive our failed start).
    /// </summary>
    public void RemoveSocketFiles()
    {
        foreach (var path in _claimedSocketPaths)
        {
            TryDelete(path);
        }

        _claimedSocketPaths.Clear();
    }

    /// <summary>Stops accepting, lets running requests finish for up to <see cref="ShutdownTimeout"/>, then closes.</summary>
    private static async Task StopAsync(KestrelServer server, GuardedSocketTransport? transport)
    {
        using var timeout = new CancellationTokenSource(ShutdownTimeout);
        await server.StopAsync(timeout.Token);
        server.Dispose();
        transport?.Dispose();
    }

    private static IPEndPoint Endpoint(InetListenerConfig inet)
    {
        if (inet.Host.Length == 0 || inet.Host == "*")
        {
            return new IPEndPoint(IPAddress.Any, inet.Port);
        }

        if (IPAddress.TryParse(inet.Host, out var address))
        {
            return new IPEndPoint(address, inet.Port);
        }

        var resolved = Dns.GetHostAddresses(inet.Host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new HttpServerException($"Cannot open an HTTP server: cannot resolve host '{inet.Host}'");
        return new IPEndPoint(resolved, inet.Port);
    }

    /// <summary>A socket file that nobody answers on is stale: remove it. One that answers means another daemon.</summary>
    private void PrepareSocketPath(UnixListenerConfig unix)
    {
        if (!File.Exists(unix.Path))
        {
            return;
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(unix.Path));
                throw new HttpServerException(PortInUseMessage);
            }
            catch (SocketException)
            {
                // Nobody listening: stale.
            }
        }

        Console.Error.WriteLine($"Unlinking stale socket {unix.Path}");
        TryDelete(unix.Path);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Already gone or not ours to remove: nothing to clean up.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}

/// <summary>
/// What Kestrel calls for each request: one <see cref="DefaultHttpContext"/> per connection, reset between
/// its requests (as ASP.NET Core's hosting layer does), handed to the handler. A request the handler
/// failed on (Kestrel answers it with a 500) is written to the main log, so the failure is not silent.
/// </summary>
file sealed class Application(HttpPipeline handler, QuietTrim quietTrim, IMainLog log) : IHttpApplication<DefaultHttpContext>
{
    public DefaultHttpContext CreateContext(IFeatureCollection contextFeatures)
    {
        if (contextFeatures is not IHostContextContainer<DefaultHttpContext> container)
        {
            return new DefaultHttpContext(contextFeatures);
        }

        if (container.HostContext is { } reused)
        {
            reused.Initialize(contextFeatures);
            return reused;
        }

        var context = new DefaultHttpContext(contextFeatures);
        container.HostContext = context;
        return context;
    }

    public Task ProcessRequestAsync(DefaultHttpContext context)
    {
        quietTrim.Touch();
        return handler.HandleAsync(context);
    }

    public void DisposeContext(DefaultHttpContext context, Exception? exception)
    {
        // A request's end counts as activity too: what a long one held is trimmed once all is quiet.
        quietTrim.Touch();
        if (exception is not null && !context.RequestAborted.IsCancellationRequested)
        {
            log.Write(MainLogLevel.Critical, $"HTTP request {context.Request.Method} {context.Request.Path} failed: {exception}");
        }

        context.Uninitialize();
    }
}

/// <summary>A listener that cannot be opened; start-up fails with this message.</summary>
internal sealed class HttpServerException(string message) : Exception(message);
