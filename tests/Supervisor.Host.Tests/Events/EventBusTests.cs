using Supervisor.Abstractions;
using Supervisor.Host.Events;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Events;

public sealed class EventBusTests
{
    [Theory]
    [InlineData("EVENT", "PROCESS_STATE_RUNNING", true)]
    [InlineData("PROCESS_STATE", "PROCESS_STATE_RUNNING", true)]
    [InlineData("PROCESS_STATE_RUNNING", "PROCESS_STATE_RUNNING", true)]
    [InlineData("PROCESS_STATE_RUNNING", "PROCESS_STATE_EXITED", false)]
    [InlineData("SUPERVISOR_STATE_CHANGE", "SUPERVISOR_STATE_CHANGE_STOPPING", true)]
    [InlineData("TICK", "TICK_5", true)]
    [InlineData("PROCESS_LOG", "PROCESS_STATE_RUNNING", false)]
    [InlineData("PROCESS_STATE", "PROCESS_STATE", true)]
    [InlineData("PROCESS_COMMUNICATION", "PROCESS_COMMUNICATION_STDERR", true)]
    [InlineData("PROCESS_GROUP", "PROCESS_GROUP_REMOVED", true)]
    [InlineData("TICK_5", "TICK_60", false)]
    [InlineData("EVENT", "BACKUP_DONE", true)]
    [InlineData("PROCESS_STATE", "BACKUP_DONE", false)]
    [InlineData("BACKUP_DONE", "BACKUP_DONE", true)]
    public void SubscriptionsMatchTheTypeItsAncestorsAndEvent(string subscribed, string published, bool expected)
    {
        var types = new EventTypes();
        types.Register("BACKUP_DONE");
        Assert.Equal(expected, types.Matches(subscribed, published));
    }

    [Theory]
    [InlineData("backup_done")]
    [InlineData("1BACKUP")]
    [InlineData("BACKUP DONE")]
    [InlineData("")]
    [InlineData("TICK_5")]
    [InlineData("EVENT")]
    public void RegisteringABuiltInOrMalformedNameIsRefused(string name)
    {
        Assert.Throws<ArgumentException>(() => new EventTypes().Register(name));
    }

    [Fact]
    public async Task PublishingAnUnknownOrAbstractTypeIsRefusedButRegisteredTypesGoEverywhere()
    {
        await using var bus = new EventBus(new RecordingLog());
        var toPools = new List<string>();
        bus.Pools = e => toPools.Add(e.Type);
        var delivered = new TaskCompletionSource<SupervisorEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = bus.Subscribe("EVENT", e => delivered.TrySetResult(e));

        var unknown = Assert.Throws<ArgumentException>(() => bus.Publish(new SupervisorEvent("BACKUP_DONE", "")));
        Assert.Contains("register it", unknown.Message);
        var abstractType = Assert.Throws<ArgumentException>(() => bus.Publish(new SupervisorEvent("PROCESS_STATE", "")));
        Assert.Contains("abstract", abstractType.Message);
        Assert.Empty(toPools);

        bus.RegisterEventType("BACKUP_DONE");
        bus.RegisterEventType("BACKUP_DONE");
        bus.Publish(new SupervisorEvent("BACKUP_DONE", "size:3"));
        Assert.Equal(["BACKUP_DONE"], toPools);
        Assert.Equal("size:3", (await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10))).Payload);
    }

    [Fact]
    public async Task DeliversInOrderWithSerialsAndSurvivesAThrowingHandler()
    {
        var log = new RecordingLog();
        await using var bus = new EventBus(log);
        var received = new List<SupervisorEvent>();
        var done = new TaskCompletionSource();
        using var bad = bus.Subscribe("EVENT", _ => throw new InvalidOperationException("handler bug"));
        using var good = bus.Subscribe("TICK", e =>
        {
            received.Add(e);
            if (received.Count == 3)
            {
                done.SetResult();
            }
        });
        bus.Publish(new SupervisorEvent("TICK_5", "when:1"));
        bus.Publish(new SupervisorEvent("PROCESS_GROUP_ADDED", "groupname:x"));
        bus.Publish(new SupervisorEvent("TICK_60", "when:2"));
        bus.Publish(new SupervisorEvent("TICK_5", "when:3"));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["when:1", "when:2", "when:3"], received.Select(e => e.Payload));
        Assert.Equal([1L, 3L, 4L], received.Select(e => e.Serial));
        Assert.Contains(log.Lines, l => l.Message.Contains("handler bug"));
    }

    [Fact]
    public async Task UnsubscribedHandlersGetNothingMore()
    {
        await using var bus = new EventBus(new RecordingLog());
        var count = 0;
        var subscription = bus.Subscribe("EVENT", _ => Interlocked.Increment(ref count));
        subscription.Dispose();
        var marker = new TaskCompletionSource();
        using var probe = bus.Subscribe("EVENT", _ => marker.TrySetResult());
        bus.Publish(new SupervisorEvent("TICK_5", ""));
        await marker.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, count);
    }

    [Fact]
    public async Task DisposeDoesNotHangOnAHandlerThatNeverReturns()
    {
        var log = new RecordingLog();
        var bus = new EventBus(log);
        using var stuck = bus.Subscribe("EVENT", _ => Thread.Sleep(Timeout.Infinite));
        bus.Publish(new SupervisorEvent("TICK_5", ""));
        var disposing = bus.DisposeAsync().AsTask();
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(15))));
        Assert.Contains(log.Lines, l => l.Message.Contains("still busy", StringComparison.Ordinal));
    }
}
