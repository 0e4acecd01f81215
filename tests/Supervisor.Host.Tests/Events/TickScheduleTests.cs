using Supervisor.Host.Events;

namespace Supervisor.Host.Tests.Events;

/// <summary>
/// TICK_5, TICK_60 and TICK_3600 as the reference's <c>Supervisor.tick</c> (<c>supervisor/supervisord.py</c>)
/// sends them.
/// </summary>
public sealed class TickScheduleTests
{
    [Fact]
    public void TicksFireOnBoundaryCrossingsOnlyShortestPeriodFirst()
    {
        var ticks = new TickSchedule(3598.2);
        Assert.Empty(ticks.Due(3599.9));
        Assert.Equal(3600, ticks.NextBoundary);

        // 3600 is a multiple of 5, 60 and 3600: three events, same when:.
        Assert.Equal(
            [("TICK_5", "when:3600"), ("TICK_60", "when:3600"), ("TICK_3600", "when:3600")],
            ticks.Due(3600.01).Select(e => (e.Type, e.Payload)));
        Assert.Empty(ticks.Due(3604.99));

        // A late loop sends one event per period, with the latest boundary.
        Assert.Equal([("TICK_5", "when:3715"), ("TICK_60", "when:3660")], ticks.Due(3717.5).Select(e => (e.Type, e.Payload)));
        Assert.Equal(3720, ticks.NextBoundary);
    }
}
