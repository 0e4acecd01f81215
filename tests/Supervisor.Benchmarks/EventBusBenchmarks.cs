using BenchmarkDotNet.Attributes;
using Supervisor.Abstractions;
using Supervisor.Host.Events;
using Supervisor.Host.Facade;
using Supervisor.Host.Logging;

namespace Supervisor.Benchmarks;

/// <summary>
/// In-process event delivery (issue 4): the host's <see cref="EventBus"/> publishing
/// <c>REMOTE_COMMUNICATION</c> events to a plugin subscriber that counts them. One operation is one
/// event published and delivered: each invocation publishes a batch and returns when the subscriber has
/// seen the last one, so the time covers the hand-over to the delivery loop's thread, not only the
/// enqueue (events/s = 1e9 / ns per operation). Allocations are per event, both threads included.
/// <see cref="Others"/> adds subscriptions to types the event does not match, as when several plugins
/// listen for other things: the bus checks every subscription for every event. No listener pools here:
/// tests/Supervisor.Benchmarks/events/run.sh measures the whole daemon, pools included.
/// </summary>
[MemoryDiagnoser]
public class EventBusBenchmarks
{
    private const int Batch = 10_000;
    private static readonly string[] OtherTypes = ["PROCESS_STATE", "TICK_5", "PROCESS_LOG", "PROCESS_GROUP", "SUPERVISOR_STATE_CHANGE", "PROCESS_COMMUNICATION", "TICK_60"];

    private readonly SupervisorEvent _event = new("REMOTE_COMMUNICATION", "type:bench\nhello");
    private readonly ManualResetEventSlim _done = new();
    private readonly List<IDisposable> _subscriptions = [];
    private MainLog? _log;
    private EventBus? _bus;
    private long _delivered;
    private long _target;

    /// <summary>Subscriptions to other types besides the counting one.</summary>
    [Params(0, 7)]
    public int Others { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _log = new MainLog(null, MainLogLevel.Info, 0, 0, null, TimeProvider.System);
        _bus = new EventBus(new MainLogFacade(_log));
        foreach (var type in OtherTypes.Take(Others))
        {
            _subscriptions.Add(_bus.Subscribe(type, _ => throw new InvalidOperationException($"{type} does not match REMOTE_COMMUNICATION")));
        }

        _subscriptions.Add(_bus.Subscribe("REMOTE_COMMUNICATION", _ =>
        {
            if (Interlocked.Increment(ref _delivered) == Volatile.Read(ref _target))
            {
                _done.Set();
            }
        }));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _bus?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _log?.Dispose();
    }

    [Benchmark(Description = "publish + deliver to a counting subscriber", OperationsPerInvoke = Batch)]
    public long PublishAndDeliver()
    {
        // The target is set before the first publish of the batch, so the handler cannot miss it.
        _done.Reset();
        Volatile.Write(ref _target, Interlocked.Read(ref _delivered) + Batch);
        for (var i = 0; i < Batch; i++)
        {
            _bus!.Publish(_event);
        }

        if (!_done.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException($"only {Interlocked.Read(ref _delivered)} of {Volatile.Read(ref _target)} events delivered after 30 s");
        }

        return Interlocked.Read(ref _delivered);
    }
}
