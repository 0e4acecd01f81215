using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Time.Testing;
using Supervisor.Host.Http;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>The guard's rules on their own (the real daemon under prlimit: Resilience/DescriptorExhaustionTests).</summary>
public sealed class ConnectionGuardTests
{
    private static readonly ListenerConfig Listener = new InetListenerConfig("inet_http_server", "127.0.0.1", 9001, "user", "pass");

    [Theory]
    [InlineData(256, 32)]
    [InlineData(1024, 64)]
    [InlineData(20000, 256)]
    [InlineData(100, 32)]
    public void TheReserveIsASixteenthOfTheLimitWithinBounds(long limit, int reserve) =>
        Assert.Equal(reserve, ConnectionGuard.ReserveFor(limit));

    [Theory]
    [InlineData(256, 117, 53)]
    [InlineData(1024, 120, 128)]
    [InlineData(160, 150, 8)]
    public void PendingConnectionsKeepToHalfOfWhatIsLeftAboveTheReserve(long limit, long inUse, int maxPending) =>
        Assert.Equal(maxPending, ConnectionGuard.MaxPendingFor(limit, ConnectionGuard.ReserveFor(limit), inUse));

    [Fact]
    public async Task TheOldestPendingConnectionIsClosedWhenTooManyWait()
    {
        using var guard = new ConnectionGuard(new RecordingLog(), descriptorLimit: 160, descriptorsInUse: 150);
        var connections = Enumerable.Range(0, guard.MaxPending + 1).Select(_ => new DefaultConnectionContext()).ToList();
        connections.ForEach(c => guard.Track(c, Listener));

        await WaitClosedAsync(connections[0]);
        Assert.Equal(guard.MaxPending, guard.PendingCount);
        Assert.All(connections.Skip(1), c => Assert.False(c.ConnectionClosed.IsCancellationRequested));
    }

    [Fact]
    public async Task APendingConnectionIsClosedOnceTheTimeoutHasPassedAndATrustedOneIsNot()
    {
        var clock = new FakeTimeProvider();
        using var guard = new ConnectionGuard(new RecordingLog(), 1024, 100, pendingTimeout: TimeSpan.FromSeconds(10), clock: clock);
        var pending = new DefaultConnectionContext();
        var trusted = new DefaultConnectionContext();
        guard.Track(pending, Listener);
        guard.Track(trusted, Listener).MarkTrusted();

        // The sweep runs every second; until ten seconds have passed it leaves the pending connection open.
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, guard.PendingCount);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, guard.PendingCount);
        await WaitClosedAsync(pending);
        Assert.False(trusted.ConnectionClosed.IsCancellationRequested);
    }

    [Fact]
    public void AClosedConnectionLeavesThePendingList()
    {
        using var guard = new ConnectionGuard(new RecordingLog(), 1024, 100);
        var tracked = guard.Track(new DefaultConnectionContext(), Listener);
        Assert.Equal(1, guard.PendingCount);

        tracked.Closed();

        Assert.Equal(0, guard.PendingCount);
    }

    private static async Task WaitClosedAsync(DefaultConnectionContext connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!connection.ConnectionClosed.IsCancellationRequested)
        {
            Assert.True(DateTime.UtcNow < deadline, "the connection was not closed");
            await Task.Delay(20);
        }
    }
}
