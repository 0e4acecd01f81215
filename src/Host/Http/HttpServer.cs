using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Supervisor.Abstractions;

namespace Supervisor.Host.Http;

/// <summary>
/// Kestrel on every configured listener at once, all served by one <see cref="RpcHttpHandler"/>.
/// Unix sockets follow the reference: a stale socket file is unlinked, a live one is an error, the
/// file gets its <c>chmod</c>/<c>chown</c> and is removed on stop.
/// </summary>
internal sealed class HttpServer(IReadOnlyList<ListenerConfig> listeners, RpcHttpHandler handler, IMainLog log) : IAsyncDisposable
{
    public const string PortInUseMessage = "Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord.";

    private readonly List<string> _claimedSocketPaths = [];
    private WebApplication? _app;

    /// <exception cref="HttpServerException">A listener could not be opened; the message says why.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var unix in listeners.OfType<UnixListenerConfig>())
        {
            PrepareSocketPath(unix);
            _claimedSocketPaths.Add(unix.Path);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = null;
            options.Limits.MinRequestBodyDataRate = null;
            foreach (var listener in listeners)
            {
                Action<ListenOptions> configure = listen => listen.Use(next => connection =>
                {
                    connection.Items[RpcHttpHandler.ListenerItemKey] = listener;
                    return next(connection);
                });
                switch (listener)
                {
                    case UnixListenerConfig unix:
                        options.ListenUnixSocket(unix.Path, configure);
                        break;
                    case InetListenerConfig inet:
                        options.Listen(Endpoint(inet), configure);
                        break;
                }
            }
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await app.DisposeAsync();
            throw new HttpServerException(PortInUseMessage);
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
        {
            await app.DisposeAsync();
            throw new HttpServerException($"Cannot open an HTTP server: {e.Message}");
        }

        _app = app;
        foreach (var unix in listeners.OfType<UnixListenerConfig>())
        {
            ApplyOwnership(unix);
        }

        foreach (var listener in listeners.Where(l => l.Username is null))
        {
            log.Write(LogLevel.Critical, $"Server '{listener.Section}' running without any HTTP authentication checking");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            _app = null;
        }

        // Only the socket files this server claimed: a live one found at start-up belongs to another
        // daemon and must survive our failed start.
        foreach (var path in _claimedSocketPaths)
        {
            TryDelete(path);
        }

        _claimedSocketPaths.Clear();
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

    private static void ApplyOwnership(UnixListenerConfig unix)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(unix.Path, unix.Mode);
        if (unix.OwnerUid is { } uid && Native.Chown(unix.Path, uid, unix.OwnerGid ?? -1) != 0)
        {
            throw new HttpServerException($"Not permitted to chown {unix.Path} to uid/gid {uid}/{unix.OwnerGid ?? -1}; current user is uid {Native.GetUid()}");
        }
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

/// <summary>A listener that cannot be opened; start-up fails with this message.</summary>
internal sealed class HttpServerException(string message) : Exception(message);
