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

    /// <summary>
    /// Publishes an event to every matching subscriber and to every <c>[eventlistener:x]</c> pool
    /// subscribed to its type. Never blocks; safe from any thread.
    /// </summary>
    /// <exception cref="ArgumentException">The type is not known (register your own with <see cref="RegisterEventType"/> first) or is abstract (<c>EVENT</c>, <c>PROCESS_STATE</c>, ...).</exception>
    void Publish(SupervisorEvent supervisorEvent);

    /// <summary>
    /// Declares an event type of your own (a child of <c>EVENT</c>), so you can publish it and an
    /// <c>[eventlistener:x]</c> section can name it in <c>events=</c>, like a Supervisor plugin that calls
    /// <c>supervisor.events.register</c>. Call it from your factory: pools are checked once every plugin
    /// is loaded. Registering a name again is harmless.
    /// </summary>
    /// <param name="name">UPPER_SNAKE_CASE, e.g. <c>BACKUP_FINISHED</c>; not one of Supervisor's own names.</param>
    /// <exception cref="ArgumentException">The name is malformed or built in.</exception>
    void RegisterEventType(string name);
}

/// <summary>One event: its type name (<c>SUPERVISOR_STATE_CHANGE_RUNNING</c>), its payload text and a serial number assigned on publication.</summary>
/// <param name="Type">The event type name.</param>
/// <param name="Payload">The payload as Supervisor formats it.</param>
public sealed record SupervisorEvent(string Type, string Payload)
{
    /// <summary>The serial number the bus assigned (0 before publication).</summary>
    public long Serial { get; init; }
}
