using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Supervisor.Abstractions;

namespace Supervisor.Host.Http;

/// <summary>
/// Keeps HTTP clients from taking the descriptors the daemon needs to live. Three rules:
/// <list type="bullet">
/// <item>A reserve: a connection whose descriptor lands in the last <see cref="Reserve"/> below the
/// soft <c>RLIMIT_NOFILE</c> is closed at once, unless closing the oldest pending connection makes room. Linux hands out the lowest free descriptor, so a new
/// socket numbered N means 0..N-1 are all taken; what is left stays for the runtime (which opens its
/// own assemblies and <c>/proc</c> files and aborts with "Out of memory." when it cannot), for child
/// pipes and for log files.</item>
/// <item>Connections that have not yet made an authenticated request ("pending") are bounded: the
/// oldest is dropped when more than <see cref="MaxPending"/> wait (or when a new connection would have
/// to be refused for the reserve), and any that waits longer than
/// <see cref="PendingTimeout"/> is closed. A client that knows the password sends its request at once,
/// so it is never the one dropped; idle sockets opened by someone without it cost little and not for long.</item>
/// <item>When accepting fails because the process or the system is out of descriptors, the listener
/// backs off instead of spinning, and the main log says so once and again when connections are
/// accepted again.</item>
/// </list>
/// </summary>
internal sealed class ConnectionGuard : IDisposable
{
    /// <summary>The most pending connections kept when descriptors are plentiful.</summary>
    public const int MostPending = 128;
    public static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(10);

    private readonly IMainLog _log;
    private readonly Lock _gate = new();
    private readonly LinkedList<TrackedConnection> _pending = [];
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _clock;
    private readonly ITimer _sweep;
    private readonly TimeSpan _pendingTimeout;
    private bool _refusing;
    private bool _disposed;
    private long _refusedInEpisode;

    /// <param name="descriptorLimit">The soft RLIMIT_NOFILE the daemon runs with.</param>
    /// <param name="descriptorsInUse">How many descriptors the daemon holds already (assemblies, pipes, logs).</param>
    /// <param name="clock">Ages pending connections and runs the sweep (the system clock when null; a fake one in tests).</param>
    public ConnectionGuard(IMainLog log, long descriptorLimit, long descriptorsInUse, TimeSpan? pendingTimeout = null, TimeProvider? clock = null)
    {
        _log = log;
        _clock = clock ?? TimeProvider.System;
        DescriptorLimit = descriptorLimit;
        Reserve = ReserveFor(descriptorLimit);
        MaxPending = MaxPendingFor(descriptorLimit, Reserve, descriptorsInUse);
        _pendingTimeout = pendingTimeout ?? PendingTimeout;
        _sweep = _clock.CreateTimer(_ => ClosePendingOlderThan(_pendingTimeout), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public long DescriptorLimit { get; }

    /// <summary>Descriptors below the limit that connections may never take.</summary>
    public int Reserve { get; }

    /// <summary>
    /// How many pending connections are kept: at most <see cref="MostPending"/>, and at most half of what
    /// is left between the descriptors in use and the reserve, so that an idle crowd never reaches the
    /// reserve (at a limit of 256 with 117 in use: 53).
    /// </summary>
    public int MaxPending { get; }

    /// <summary>Pending connections right now (for tests and diagnostics).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>A sixteenth of the limit, at least 32 and at most 256: a daemon at 1024 keeps 64.</summary>
    public static int ReserveFor(long descriptorLimit) => (int)Math.Clamp(descriptorLimit / 16, 32, 256);

    public static int MaxPendingFor(long descriptorLimit, int reserve, long descriptorsInUse) =>
        (int)Math.Clamp((descriptorLimit - reserve - descriptorsInUse) / 2, 8, MostPending);

    /// <summary>
    /// Whether a just-accepted socket may stay open. False means the caller closes it: its descriptor is
    /// inside the reserve and no pending connection could make room for it. In the outer half of the
    /// reserve the oldest pending connection is closed to make room, so an idle crowd cannot keep out a
    /// client that is about to authenticate; the inner half is never given to a connection.
    /// </summary>
    public bool TryAdmit(Socket accepted, string section)
    {
        var descriptor = (long)accepted.SafeHandle.DangerousGetHandle();
        if (descriptor < DescriptorLimit - Reserve)
        {
            EndRefusalEpisode(section);
            return true;
        }

        TrackedConnection? evicted = null;
        lock (_gate)
        {
            if (descriptor < DescriptorLimit - (Reserve / 2) && _pending.First is { } oldest)
            {
                evicted = oldest.Value;
                RemovePending(evicted);
            }
            else
            {
                _refusedInEpisode++;
                if (_refusing)
                {
                    return false;
                }

                _refusing = true;
            }
        }

        if (evicted is not null)
        {
            evicted.Connection.Abort(new ConnectionAbortedException("descriptors are short and it made no authenticated request"));
            return true;
        }

        _log.Write(MainLogLevel.Warn, string.Create(
            CultureInfo.InvariantCulture,
            $"refusing connections to '{section}': descriptor {descriptor} is within the {Reserve} kept in reserve below the limit of {DescriptorLimit} open files"));
        return false;
    }

    /// <summary>Accepting failed for lack of descriptors or buffers: log once per episode.</summary>
    public void OnAcceptExhausted(SocketException error, string section)
    {
        lock (_gate)
        {
            _refusedInEpisode++;
            if (_refusing)
            {
                return;
            }

            _refusing = true;
        }

        _log.Write(MainLogLevel.Warn, $"cannot accept connections to '{section}': {error.Message} (limit {DescriptorLimit.ToString(CultureInfo.InvariantCulture)} open files); retrying until descriptors are free");
    }

    /// <summary>Starts tracking a new connection as pending; drops the oldest pending one if there are too many.</summary>
    public TrackedConnection Track(ConnectionContext connection, ListenerConfig listener)
    {
        var tracked = new TrackedConnection(this, connection, listener, _clock.GetTimestamp());
        TrackedConnection? evicted = null;
        lock (_gate)
        {
            tracked.Node = _pending.AddLast(tracked);
            if (_pending.Count == 1 && !_disposed)
            {
                // The sweep runs only while someone is pending: an idle daemon does not wake up for it.
                _sweep.Change(SweepInterval, SweepInterval);
            }

            if (_pending.Count > MaxPending)
            {
                evicted = _pending.First!.Value;
                RemovePending(evicted);
            }
        }

        evicted?.Connection.Abort(new ConnectionAbortedException("too many connections without an authenticated request"));
        return tracked;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _sweep.Dispose();
        }
    }

    internal void Trust(TrackedConnection tracked)
    {
        lock (_gate)
        {
            RemovePending(tracked);
        }
    }

    internal void Untrack(TrackedConnection tracked) => Trust(tracked);

    /// <summary>Closes every pending connection older than <paramref name="age"/> (run by the sweep timer every second).</summary>
    internal void ClosePendingOlderThan(TimeSpan age)
    {
        List<TrackedConnection>? expired = null;
        lock (_gate)
        {
            while (_pending.First is { } oldest && _clock.GetElapsedTime(oldest.Value.OpenedAt) >= age)
            {
                (expired ??= []).Add(oldest.Value);
                RemovePending(oldest.Value);
            }

            if (_pending.Count == 0 && !_disposed)
            {
                _sweep.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var tracked in expired)
        {
            tracked.Connection.Abort(new ConnectionAbortedException("no authenticated request in time"));
        }
    }

    private void RemovePending(TrackedConnection tracked)
    {
        if (tracked.Node is { } node)
        {
            _pending.Remove(node);
            tracked.Node = null;
        }
    }

    private void EndRefusalEpisode(string section)
    {
        if (!Volatile.Read(ref _refusing))
        {
            return;
        }

        long refused;
        lock (_gate)
        {
            if (!_refusing)
            {
                return;
            }

            _refusing = false;
            refused = _refusedInEpisode;
            _refusedInEpisode = 0;
        }

        _log.Write(MainLogLevel.Info, string.Create(CultureInfo.InvariantCulture, $"accepting connections to '{section}' again ({refused} refused while descriptors were short)"));
    }
}

/// <summary>One connection as the guard sees it; travels in the connection's items.</summary>
internal sealed class TrackedConnection(ConnectionGuard guard, ConnectionContext connection, ListenerConfig listener, long openedAt)
{
    /// <summary>The connection item under which each connection's tracker (and so its listener) travels to the <see cref="AuthenticationGate"/>.</summary>
    public const string ItemKey = "supervisor.connection";

    public ConnectionContext Connection { get; } = connection;

    public ListenerConfig Listener { get; } = listener;

    /// <summary>When it was accepted, as a timestamp of the guard's clock (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long OpenedAt { get; } = openedAt;

    /// <summary>Its place in the pending list, or null once trusted or closed (guarded by the guard's lock).</summary>
    internal LinkedListNode<TrackedConnection>? Node { get; set; }

    /// <summary>True once a request on it was authenticated (or its listener asks for none).</summary>
    public bool Trusted { get; private set; }

    /// <summary>An authenticated request arrived: the connection is no longer pending.</summary>
    public void MarkTrusted()
    {
        if (!Trusted)
        {
            Trusted = true;
            guard.Trust(this);
        }
    }

    public void Closed() => guard.Untrack(this);
}
