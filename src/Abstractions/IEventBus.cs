namespace Supervisor.Abstractions;

/// <summary>
/// Supervisor's events, in-process: a plugin observes them without being a listener process.
/// Handlers run in publication order on the bus's own delivery loop, after the change they
/// describe has happened; a throwing handler is logged and does not affect other handlers.
/// </summary>
public interface IEventBus
{
    /// <summary>
    /// Calls <paramref name="handler"/> for every event whose type is <paramref name="eventType"/>
    /// or a descendant of it (<c>EVENT</c> matches all). Dispose the result to unsubscribe.
    /// </summary>
    IDisposable Subscribe(string eventType, Action<SupervisorEvent> handler);

    /// <summary>Publishes an event to every matching subscriber.</summary>
    void Publish(SupervisorEvent supervisorEvent);
}

/// <summary>One event: its type name (<c>SUPERVISOR_STATE_CHANGE_RUNNING</c>), its payload text and a serial number assigned on publication.</summary>
/// <param name="Type">The event type name.</param>
/// <param name="Payload">The payload as Supervisor formats it.</param>
public sealed record SupervisorEvent(string Type, string Payload)
{
    /// <summary>The serial number the bus assigned (0 before publication).</summary>
    public long Serial { get; init; }
}
