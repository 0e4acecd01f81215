using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;

namespace Supervisor.Host.Processes.Listeners;

/// <summary>
/// One <c>[eventlistener:x]</c> pool, the reference's <c>EventListenerPool</c>
/// (<c>supervisor/process.py</c>): a FIFO buffer of at most <c>buffer_size</c> events of the subscribed
/// types, dispatched one at a time to listeners that are RUNNING and READY, in configuration order. A full
/// buffer drops its oldest event; a rejected event, or one whose listener died while busy, goes back to the
/// head of this pool only (the reference re-buffers it into every pool whose listeners share the priority,
/// because <c>handle_rejected</c> asks <c>process in procs</c> and <c>Subprocess.__eq__</c> compares
/// priorities only: not copied). Loop thread only.
/// </summary>
internal sealed class EventListenerPool(string name, EventListenerPoolConfig config, string server, EventTypes types, IMainLog log)
{
    private readonly LinkedList<PoolEntry> _buffer = new();
    private readonly Dictionary<string, bool> _subscribes = new(StringComparer.Ordinal);
    private readonly List<(SupervisedProcess Process, EventListener Listener)> _listeners = [];
    private long _serial = -1;

    public string Name { get; } = name;

    /// <summary>The <c>events=</c> type names.</summary>
    public IReadOnlyList<string> Events => config.Events;

    /// <summary>Events waiting for a listener.</summary>
    public int Buffered => _buffer.Count;

    /// <summary>Makes <paramref name="process"/> one of this pool's listeners and returns its protocol state.</summary>
    public EventListener Add(SupervisedProcess process)
    {
        var listener = new EventListener(process.Name, this, log);
        _listeners.Add((process, listener));
        return listener;
    }

    public void Remove(SupervisedProcess process) => _listeners.RemoveAll(l => l.Process == process);

    /// <summary>Keeps the listeners in the group's order (priority, then name), which dispatch follows.</summary>
    public void Order(IReadOnlyList<SupervisedProcess> processes)
    {
        var position = processes.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        _listeners.Sort((a, b) => position.GetValueOrDefault(a.Process).CompareTo(position.GetValueOrDefault(b.Process)));
    }

    /// <summary>True when one of the pool's <c>events=</c> types is <paramref name="eventType"/> or an ancestor of it.</summary>
    public bool Subscribes(string eventType)
    {
        if (!_subscribes.TryGetValue(eventType, out var subscribed))
        {
            subscribed = config.Events.Any(s => types.Matches(s, eventType));
            _subscribes[eventType] = subscribed;
        }

        return subscribed;
    }

    /// <summary>A new event of a subscribed type joins the tail of the buffer (pool serial assigned here).</summary>
    public void Accept(SerialEvent shared)
    {
        _serial = _serial == long.MaxValue ? 0 : _serial + 1;
        Insert(new PoolEntry(shared, _serial), head: false);
    }

    /// <summary>A rejected or orphaned event goes back to the head, keeping its serials.</summary>
    public void Rebuffer(PoolEntry entry)
    {
        if (log.IsEnabled(MainLogLevel.Debug))
        {
            log.Debug($"rebuffering event {entry.Serial} for pool {Name} (buf size={_buffer.Count}, max={config.BufferSize})");
        }

        Insert(entry, head: true);
    }

    /// <summary>True when some listener can take an event now.</summary>
    public bool CanDispatch => _buffer.Count > 0 && _listeners.Exists(IsReady);

    /// <summary>Sends buffered events, oldest first, while a listener is ready (the reference's <c>dispatch</c>).</summary>
    public void Dispatch()
    {
        if (!CanDispatch)
        {
            return;
        }

        while (_buffer.First is { } first)
        {
            _buffer.RemoveFirst();
            if (!Send(first.Value))
            {
                Rebuffer(first.Value);
                break;
            }
        }
    }

    /// <summary>Buffered events are lost with the pool (the reference keeps them in memory only).</summary>
    public void Clear() => _buffer.Clear();

    private void Insert(PoolEntry entry, bool head)
    {
        if (_buffer.Count >= config.BufferSize && _buffer.First is { } oldest)
        {
            _buffer.RemoveFirst();
            log.Error($"pool {Name} event buffer overflowed, discarding event {oldest.Value.Serial}");
        }

        if (head)
        {
            _buffer.AddFirst(entry);
        }
        else
        {
            _buffer.AddLast(entry);
        }
    }

    private bool Send(PoolEntry entry)
    {
        byte[]? envelope = null;
        foreach (var (process, listener) in _listeners)
        {
            if (!IsReady((process, listener)))
            {
                continue;
            }

            envelope ??= EventEnvelope.Encode(server, entry.Serial, Name, entry.PoolSerial, entry.Shared.Event.Type, entry.Shared.Event.Payload);
            // Not held to the stdin limit: the protocol itself bounds envelopes (one at a time, only to
            // a READY listener), and refusing one because a client filled the listener's stdin would
            // stall the pool.
            if (process.WriteStdin(envelope, int.MaxValue, out _) == Output.StdinWriteResult.Closed)
            {
                log.Debug($"epipe occurred while sending event {entry.Serial} to listener {listener.Name}, listener state unchanged");
                continue;
            }

            listener.Sent(entry);
            if (log.IsEnabled(MainLogLevel.Debug))
            {
                log.Debug($"event {entry.Serial} sent to listener {listener.Name}");
            }

            return true;
        }

        return false;
    }

    private static bool IsReady((SupervisedProcess Process, EventListener Listener) pair) =>
        pair.Process.State == ProcessState.Running && pair.Listener.State == ListenerState.Ready;
}
