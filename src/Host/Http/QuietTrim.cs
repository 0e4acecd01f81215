using System.Globalization;
using Supervisor.Abstractions;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Http;

/// <summary>
/// Trims the daemon's memory (<see cref="MemoryTrimmer"/>) once HTTP requests have stopped for
/// <c>quietMilliseconds</c>: the engine's own trim runs only when processes settle, and a burst of
/// requests changes no process, so without this the memory a request flood made the GC commit stayed
/// committed for good. A request costs one clock read and one write; a timer does the rest. Time comes
/// from the <see cref="TimeProvider"/> given (the system clock when null; a fake one in tests).
/// </summary>
internal sealed class QuietTrim(
    IMainLog log,
    int quietMilliseconds = QuietTrim.DefaultQuietMilliseconds,
    MemoryTrimmer? trimmer = null,
    TimeProvider? clock = null) : IDisposable
{
    public const int DefaultQuietMilliseconds = 5_000;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly MemoryTrimmer _trimmer = trimmer ?? new MemoryTrimmer(clock);
    private readonly Lock _timerGate = new();
    private ITimer? _timer;
    private long _lastRequest;
    private int _armed;
    private bool _disposed;

    /// <summary>Notes a request; arms the timer if it is not already waiting for the quiet.</summary>
    public void Touch()
    {
        Volatile.Write(ref _lastRequest, _clock.GetTimestamp());
        if (Volatile.Read(ref _armed) == 0 && Interlocked.Exchange(ref _armed, 1) == 0)
        {
            Arm(quietMilliseconds);
        }
    }

    public void Dispose()
    {
        lock (_timerGate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Arm(long milliseconds)
    {
        lock (_timerGate)
        {
            if (_disposed)
            {
                return;
            }

            _timer ??= _clock.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(TimeSpan.FromMilliseconds(milliseconds), Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        var quietFor = QuietFor();
        if (quietFor < quietMilliseconds)
        {
            Arm(quietMilliseconds - quietFor);
            return;
        }

        var result = _trimmer.TryTrim();
        if (result.RetryInMilliseconds > 0)
        {
            Arm(result.RetryInMilliseconds);
            return;
        }

        if (result.Trimmed && log.IsEnabled(MainLogLevel.Debug))
        {
            log.Debug(string.Create(
                CultureInfo.InvariantCulture,
                $"HTTP requests stopped: collected garbage, managed heap {result.HeapBefore / 1048576.0:F1} -> {result.HeapAfter / 1048576.0:F1} MiB"));
        }

        // Disarm, then look again: a request that came in between saw the timer still armed and did not arm it.
        Volatile.Write(ref _armed, 0);
        if (QuietFor() < quietMilliseconds && Interlocked.Exchange(ref _armed, 1) == 0)
        {
            Arm(quietMilliseconds);
        }
    }

    /// <summary>Milliseconds since the last request.</summary>
    private long QuietFor() => (long)_clock.GetElapsedTime(Volatile.Read(ref _lastRequest)).TotalMilliseconds;
}
