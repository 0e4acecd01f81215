using System.Globalization;
using Supervisor.Abstractions;

namespace Supervisor.Host.Events;

/// <summary>
/// TICK_5, TICK_60 and TICK_3600 (<c>supervisor/events.py</c>, <c>TickEvent</c>): an event when the wall
/// clock crosses a multiple of the period, none at start-up. A late loop sends one event per period with the
/// latest boundary; periods crossed together go out shortest first with the same <c>when:</c>. The
/// reference's <c>Supervisor.tick</c> (<c>supervisor/supervisord.py</c>), driven by the engine's loop.
/// </summary>
internal sealed class TickSchedule
{
    private static readonly (string Type, long Period)[] Periods = [("TICK_5", 5), ("TICK_60", 60), ("TICK_3600", 3600)];

    private readonly long[] _last = new long[Periods.Length];

    public TickSchedule(double now)
    {
        for (var i = 0; i < Periods.Length; i++)
        {
            _last[i] = Slice(Periods[i].Period, now);
        }
    }

    /// <summary>When the next TICK_5 is due (every other period's boundary is one of its).</summary>
    public double NextBoundary => _last[0] + Periods[0].Period;

    public List<SupervisorEvent> Due(double now)
    {
        var due = new List<SupervisorEvent>(0);
        for (var i = 0; i < Periods.Length; i++)
        {
            var slice = Slice(Periods[i].Period, now);
            if (slice != _last[i])
            {
                _last[i] = slice;
                due.Add(new SupervisorEvent(Periods[i].Type, "when:" + slice.ToString(CultureInfo.InvariantCulture)));
            }
        }

        return due;
    }

    /// <summary>The reference's <c>timeslice</c>: the start of the period containing <paramref name="now"/>.</summary>
    private static long Slice(long period, double now)
    {
        var seconds = (long)Math.Floor(now);
        return seconds - (((seconds % period) + period) % period);
    }
}
