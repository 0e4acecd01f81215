using Supervisor.Abstractions;

namespace TestPlugins.EventCounter;

public static class Factory
{
    /// <summary><c>events</c> is the type to count (its subtypes included), like a listener's <c>events=</c> with one name.</summary>
    public static Counter Make(ISupervisord supervisord, string events = "EVENT") => new(supervisord, events);
}

/// <summary>
/// An in-process subscriber that does the least a subscriber can: count. The benchmark reads the count
/// over XML-RPC before and after a burst of events, so the rate it computes is the bus's, not the handler's.
/// </summary>
public sealed class Counter : IDisposable
{
    private readonly IDisposable _subscription;
    private long _count;

    public Counter(ISupervisord supervisord, string events)
    {
        _subscription = supervisord.Events.Subscribe(events, _ => Interlocked.Increment(ref _count));
    }

    public void Dispose() => _subscription.Dispose();

    // XML-RPC integers are 32-bit: a benchmark run stays far below 2^31 events, and clients see an int.
    [RpcMethod(Help = "How many subscribed events the handler has been called for since the daemon started.")]
    [return: RpcReturn("count", "events delivered so far")]
    public int Count() => (int)Interlocked.Read(ref _count);
}
