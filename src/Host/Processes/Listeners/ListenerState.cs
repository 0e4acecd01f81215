namespace Supervisor.Host.Processes.Listeners;

/// <summary>
/// The second state of an event listener process, beside its process state. The codes are Supervisor's
/// <c>EventListenerStates</c> (<c>supervisor/states.py</c>).
/// </summary>
internal enum ListenerState
{
    /// <summary>May be sent one event.</summary>
    Ready = 10,

    /// <summary>An event was sent; waiting for its <c>RESULT</c>.</summary>
    Busy = 20,

    /// <summary>After each spawn and each result: waiting for <c>READY\n</c>.</summary>
    Acknowledged = 30,

    /// <summary>The listener broke the protocol; it gets nothing until it is restarted.</summary>
    Unknown = 40,
}

/// <summary>A buffered event: the event and the global serial it got when the first pool accepted it.</summary>
internal sealed record SerialEvent(Supervisor.Abstractions.SupervisorEvent Event, long Serial);

/// <summary>An event in one pool's buffer, with that pool's own serial (kept when the event is re-buffered).</summary>
internal sealed record PoolEntry(SerialEvent Shared, long PoolSerial)
{
    public long Serial => Shared.Serial;
}
