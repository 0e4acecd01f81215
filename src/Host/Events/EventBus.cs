using System.Threading.Channels;
using Supervisor.Abstractions;

namespace Supervisor.Host.Events;

/// <summary>
/// Where every event goes. Publishing never blocks the publisher: the event is handed to the
/// listener pools (<see cref="Pools"/>, the process engine, which buffers it on its own loop) and queued
/// for plugin subscribers, whom one delivery loop calls in publication order, so a slow or throwing
/// handler delays only other handlers, never the daemon. The engine's own events (state changes) enter
/// through <see cref="Deliver"/> instead: it has already buffered them into its pools, in order, and
/// hands them to subscribers once the change is visible in its snapshot.
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

    /// <summary>The type hierarchy, with the types plugins registered.</summary>
    public EventTypes Types { get; } = new();

    /// <summary>Receives every published event for the <c>[eventlistener:x]</c> pools; called on the publisher's thread, must not block.</summary>
    public Action<SupervisorEvent>? Pools { get; set; }

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
        ArgumentNullException.ThrowIfNull(supervisorEvent);
        if (!Types.IsPublishable(supervisorEvent.Type))
        {
            throw new ArgumentException(
                Types.IsKnown(supervisorEvent.Type)
                    ? $"{supervisorEvent.Type} is an abstract event type: publish one of its subtypes"
                    : $"unknown event type {supervisorEvent.Type}: register it with RegisterEventType first",
                nameof(supervisorEvent));
        }

        Pools?.Invoke(supervisorEvent);
        Deliver(supervisorEvent);
    }

    /// <summary>Queues an event for plugin subscribers only (the engine has given it to its pools already).</summary>
    public void Deliver(SupervisorEvent supervisorEvent)
    {
        var serial = Interlocked.Increment(ref _serial);
        _queue.Writer.TryWrite(supervisorEvent with { Serial = serial });
    }

    public void RegisterEventType(string name) => Types.Register(name);

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
            _log.Write(MainLogLevel.Warn, "event handlers still busy after 5 seconds; pending events were dropped");
        }
    }

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
                if (!Types.Matches(subscription.EventType, supervisorEvent.Type))
                {
                    continue;
                }

                try
                {
                    subscription.Handler(supervisorEvent);
                }
                catch (Exception e)
                {
                    _log.Write(MainLogLevel.Error, $"event handler for {subscription.EventType} failed on {supervisorEvent.Type}: {e}");
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
