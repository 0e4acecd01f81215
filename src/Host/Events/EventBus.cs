using System.Threading.Channels;
using Supervisor.Abstractions;

namespace Supervisor.Host.Events;

/// <summary>
/// In-process delivery of Supervisor events to plugin subscribers. Publishing never blocks the
/// publisher: events are queued and one delivery loop calls handlers in publication order, so a slow
/// or throwing handler delays only other handlers, never the daemon.
/// </summary>
internal sealed class EventBus : IEventBus, IAsyncDisposable
{
    private readonly Channel<SupervisorEvent> _queue = Channel.CreateUnbounded<SupervisorEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly IMainLog _log;
    private readonly Task _delivery;
    private ImmutableSubscriptions _subscriptions = new([]);
    private long _serial;

    public EventBus(IMainLog log)
    {
        _log = log;
        _delivery = Task.Run(DeliverAsync);
    }

    public IDisposable Subscribe(string eventType, Action<SupervisorEvent> handler)
    {
        var subscription = new Subscription(this, eventType, handler);
        lock (_lock)
        {
            _subscriptions = new([.. _subscriptions.Items, subscription]);
        }

        return subscription;
    }

    public void Publish(SupervisorEvent supervisorEvent)
    {
        var serial = Interlocked.Increment(ref _serial);
        _queue.Writer.TryWrite(supervisorEvent with { Serial = serial });
    }

    /// <summary>Delivers what is queued, but gives a handler that never returns only a few seconds: a restart must not hang on a plugin.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _delivery.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.Write(LogLevel.Warn, "event handlers still busy after 5 seconds; pending events were dropped");
        }
    }

    /// <summary>The type itself, its abstract parent (<c>PROCESS_STATE_RUNNING</c> → <c>PROCESS_STATE</c>) and <c>EVENT</c>.</summary>
    internal static bool Matches(string subscribedType, string eventType)
    {
        if (subscribedType == "EVENT" || subscribedType == eventType)
        {
            return true;
        }

        return Parents.Any(parent => subscribedType == parent && eventType.StartsWith(parent + "_", StringComparison.Ordinal));
    }

    private static readonly string[] Parents =
    [
        "PROCESS_STATE", "PROCESS_LOG", "PROCESS_COMMUNICATION", "SUPERVISOR_STATE_CHANGE", "PROCESS_GROUP", "TICK",
    ];

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions = new([.. _subscriptions.Items.Where(s => s != subscription)]);
        }
    }

    private async Task DeliverAsync()
    {
        await foreach (var supervisorEvent in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            foreach (var subscription in _subscriptions.Items)
            {
                if (!Matches(subscription.EventType, supervisorEvent.Type))
                {
                    continue;
                }

                try
                {
                    subscription.Handler(supervisorEvent);
                }
                catch (Exception e)
                {
                    _log.Write(LogLevel.Error, $"event handler for {subscription.EventType} failed on {supervisorEvent.Type}: {e}");
                }
            }
        }
    }

    private sealed record ImmutableSubscriptions(Subscription[] Items);

    private sealed class Subscription(EventBus bus, string eventType, Action<SupervisorEvent> handler) : IDisposable
    {
        public string EventType { get; } = eventType;

        public Action<SupervisorEvent> Handler { get; } = handler;

        public void Dispose() => bus.Remove(this);
    }
}
