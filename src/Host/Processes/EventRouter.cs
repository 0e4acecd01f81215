using Supervisor.Abstractions;
using Supervisor.Host.Events;
using Supervisor.Host.Processes.Listeners;

namespace Supervisor.Host.Processes;

/// <summary>
/// Where the engine's events go: the <c>[eventlistener:x]</c> pools, which the loop owns, and the plugins'
/// subscribers on the <see cref="EventBus"/>. An event raised on the loop (a state change, a group added,
/// a tick) is buffered into the subscribed pools at once, in order, and reaches plugin subscribers once the
/// snapshot showing it is published (<see cref="DeliverRaised"/>); an event published elsewhere (a plugin,
/// the I/O thread, RPC) reaches the pools as a request queued to the loop. Loop thread only, except where
/// a member says otherwise.
/// </summary>
internal sealed class EventRouter
{
    private readonly EventBus _bus;
    private readonly EventSerials _serials;
    private readonly List<EventListenerPool> _pools = [];
    private readonly List<SupervisorEvent> _raised = [];

    // Every events= name of the active pools, republished whenever a pool comes or goes; read by publishers
    // on other threads.
    private volatile string[] _poolSubscriptions = [];

    /// <param name="post">Queues work for the loop: how an event published on another thread reaches the pools.</param>
    public EventRouter(EventBus bus, EventSerials serials, Action<Action> post)
    {
        _bus = bus;
        _serials = serials;
        bus.Pools = e =>
        {
            // Checked on the publisher's thread, so output events (one per chunk of a noisy child) that no
            // pool wants never wake the loop.
            if (Array.Exists(_poolSubscriptions, subscribed => bus.Types.Matches(subscribed, e.Type)))
            {
                post(() => AcceptIntoPools(e));
            }
        };
    }

    /// <summary>The event type names the daemon knows.</summary>
    public EventTypes Types => _bus.Types;

    /// <summary>Publishes an event from any thread (never blocks): plugins at once, pools through the loop.</summary>
    public void Publish(SupervisorEvent supervisorEvent) => _bus.Publish(supervisorEvent);

    /// <summary>A new pool hears every event raised from now on, its own group's PROCESS_GROUP_ADDED included.</summary>
    public void AddPool(EventListenerPool pool)
    {
        _pools.Add(pool);
        RefreshSubscriptions();
    }

    /// <summary>A removed pool hears nothing more, not even its own removal; what it buffered is lost.</summary>
    public void RemovePool(EventListenerPool pool)
    {
        _pools.Remove(pool);
        RefreshSubscriptions();
        pool.Clear();
    }

    /// <summary>An event raised on the loop: into the pools now, to plugin subscribers after the snapshot.</summary>
    public void Raise(SupervisorEvent supervisorEvent)
    {
        AcceptIntoPools(supervisorEvent);
        _raised.Add(supervisorEvent);
    }

    /// <summary>Hands what the pools hold to their listeners that are ready (the end of every pass).</summary>
    public void Dispatch()
    {
        foreach (var pool in _pools)
        {
            pool.Dispatch();
        }
    }

    /// <summary>Delivers the events raised since the last call to plugin subscribers (after a publish).</summary>
    public void DeliverRaised()
    {
        foreach (var supervisorEvent in _raised)
        {
            _bus.Deliver(supervisorEvent);
        }

        _raised.Clear();
    }

    /// <summary>Stops taking events from the bus (the engine is going away).</summary>
    public void Detach() => _bus.Pools = null;

    /// <summary>
    /// Buffers an event into every subscribed pool, in activation order; the first pool to take it gives
    /// it the next global serial, so events nobody listens to consume none (Supervisor's
    /// <c>supervisor/process.py</c>, <c>EventListenerPool._acceptEvent</c>). A pool subscribed to a type
    /// through two of its <c>events=</c> names takes it once.
    /// </summary>
    private void AcceptIntoPools(SupervisorEvent supervisorEvent)
    {
        SerialEvent? shared = null;
        foreach (var pool in _pools)
        {
            if (pool.Subscribes(supervisorEvent.Type))
            {
                shared ??= new SerialEvent(supervisorEvent, _serials.Next());
                pool.Accept(shared);
            }
        }
    }

    private void RefreshSubscriptions() =>
        _poolSubscriptions = [.. _pools.SelectMany(p => p.Events).Distinct(StringComparer.Ordinal)];
}
