namespace Supervisor.Host.Events;

/// <summary>
/// The global event serial of the listener envelopes (<c>supervisor/process.py</c>, <c>GlobalSerial</c> and
/// <c>new_serial</c>, called from <c>EventListenerPool._acceptEvent</c>): assigned when the first pool
/// accepts an event, so unsubscribed events consume none; starts at 0 and wraps to 0 after
/// <see cref="long.MaxValue"/> (Python's <c>sys.maxsize</c>). It lives as long as the daemon process, across
/// restarts, as the reference's module-level counter does. Used on the engine's loop only.
/// </summary>
internal sealed class EventSerials
{
    private long _last = -1;

    public long Next()
    {
        _last = _last == long.MaxValue ? 0 : _last + 1;
        return _last;
    }
}
