using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Http;

/// <summary>
/// Kestrel's socket transport with our own listening sockets and accept loop (Kestrel's
/// <see cref="SocketConnectionContextFactory"/> still runs each connection). Two things Kestrel's own
/// listener cannot do:
/// <list type="bullet">
/// <item>A unix socket is reachable only once it has its mode and owner (<see cref="BindUnix"/>). Kestrel
/// binds and listens in one step, so the file existed with the process umask's permissions, accepting
/// connections, until the chmod a few milliseconds later; a client that connected then kept its session.</item>
/// <item>Accepting when descriptors run out: Kestrel retries a failed accept at once, forever, at full
/// speed; this loop backs off, and the <see cref="ConnectionGuard"/> closes connections that would eat into
/// the descriptor reserve.</item>
/// </list>
/// </summary>
/// <param name="listeners">Each configured listener with the endpoint Kestrel will ask us to bind for it.</param>
/// <param name="transportLog">Where the socket transport reports (the main log through <see cref="Logging.MainLogLoggerProvider"/>).</param>
internal sealed class GuardedSocketTransport(IReadOnlyList<(EndPoint Endpoint, ListenerConfig Listener)> listeners, ConnectionGuard guard, ILogger transportLog) : IConnectionListenerFactory, IDisposable
{
    /// <summary>The accept queue the kernel keeps for each listener (Kestrel's default).</summary>
    public const int Backlog = 512;

    /// <summary>Parsing, the application and sends run where the socket's event completes (see <see cref="InlineSocketCompletions"/>).</summary>
    private readonly SocketConnectionContextFactory _connections = new(new SocketConnectionFactoryOptions { UnsafePreferInlineScheduling = true }, transportLog);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = listeners.First(l => l.Endpoint.Equals(endpoint) || l.Endpoint.ToString() == endpoint.ToString()).Listener;
        Socket socket;
        try
        {
            socket = listener is UnixListenerConfig unix ? BindUnix(unix) : SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // Kestrel's own transport says it this way, and turns it into its "address already in use" error.
            throw new AddressInUseException(e.Message, e);
        }

        try
        {
            socket.Listen(Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return ValueTask.FromResult<IConnectionListener>(new GuardedListener(socket, endpoint, listener, guard, _connections));
    }

    public void Dispose() => _connections.Dispose();

    /// <summary>
    /// A unix socket bound where nobody else can reach it, given its mode and owner, then moved to its path.
    /// <c>connect()</c> checks the file's permissions when it looks the path up but whether the socket
    /// listens only later, so a socket bound at its path and chmod-ed there can be connected to by someone
    /// who looked it up in between (measured: 5 connections in 17,000 tries). Bound inside a fresh 0700
    /// directory, the socket cannot be looked up by anyone else until the rename puts it, already with its
    /// final mode and owner, at the configured path. (Supervisor's <c>supervisor/http.py</c>,
    /// <c>supervisor_af_unix_http_server.__init__</c>, binds a temporary name beside the path and links
    /// it over; a private directory also keeps the temporary name itself out of reach.)
    /// </summary>
    private static Socket BindUnix(UnixListenerConfig unix)
    {
        var path = Path.GetFullPath(unix.Path);
        var privateDirectory = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetRandomFileName());
        var temporary = Path.Combine(privateDirectory, "s");
        if (OperatingSystem.IsWindows() || System.Text.Encoding.UTF8.GetByteCount(temporary) >= MaxUnixPathBytes)
        {
            // No room for the detour (a path within a few bytes of the 108-byte limit): bind in place. The
            // socket still listens only once its mode and owner are set.
            var inPlace = SocketTransportOptions.CreateDefaultBoundListenSocket(new UnixDomainSocketEndPoint(path));
            return WithOwnership(inPlace, unix, path);
        }

        Directory.CreateDirectory(privateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var socket = WithOwnership(SocketTransportOptions.CreateDefaultBoundListenSocket(new UnixDomainSocketEndPoint(temporary)), unix, temporary);
            try
            {
                File.Move(temporary, path);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        finally
        {
            TryDeleteDirectory(privateDirectory);
        }
    }

    /// <summary>The longest unix socket path the kernel takes, in bytes, with its terminating NUL.</summary>
    private const int MaxUnixPathBytes = 108;

    private static Socket WithOwnership(Socket socket, UnixListenerConfig unix, string path)
    {
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, unix.Mode);
            }

            if (unix.OwnerUid is { } uid && Native.Chown(path, uid, unix.OwnerGid ?? -1) != 0)
            {
                throw new HttpServerException($"Not permitted to chown {unix.Path} to uid/gid {uid}/{unix.OwnerGid ?? -1}; current user is uid {Native.GetUid()}");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            TryDelete(path);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing left to clean up, or not ours to.
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Already gone.
        }
    }
}

/// <summary>The accept loop of one listening socket.</summary>
file sealed class GuardedListener(Socket socket, EndPoint endpoint, ListenerConfig listener, ConnectionGuard guard, SocketConnectionContextFactory connections) : IConnectionListener
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(1);

    public EndPoint EndPoint { get; } = endpoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        // Off the socket event thread (completions run there: InlineSocketCompletions). Accepting a long
        // queue completes synchronously call after call, and on the event thread it would keep the
        // completions of connections the guard aborted from running, so their descriptors would stay
        // open while the queue is accepted into the reserve.
        await Task.Yield();
        var backoff = FirstBackoff;
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                // The connection stays in the kernel's queue; try again a little later rather than at once.
                guard.OnAcceptExhausted(e, listener.Section);
                try
                {
                    await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, LongestBackoff.Ticks));
                continue;
            }
            catch (SocketException)
            {
                // Reset while it waited in the queue: take the next one.
                continue;
            }

            backoff = FirstBackoff;
            if (!guard.TryAdmit(accepted, listener.Section))
            {
                accepted.Dispose();
                continue;
            }

            if (accepted.LocalEndPoint is IPEndPoint)
            {
                accepted.NoDelay = true;
            }

            var connection = connections.Create(accepted);
            var tracked = guard.Track(connection, listener);
            connection.Items[TrackedConnection.ItemKey] = tracked;
            connection.ConnectionClosed.Register(static state => ((TrackedConnection)state!).Closed(), tracked);
            return connection;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
