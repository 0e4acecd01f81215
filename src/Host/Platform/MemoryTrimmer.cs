namespace Supervisor.Host.Platform;

/// <summary>What <see cref="MemoryTrimmer.TryTrim"/> did.</summary>
/// <param name="Trimmed">A collection ran.</param>
/// <param name="RetryInMilliseconds">When nothing ran because the last trim was too recent: how long until one may.</param>
/// <param name="HeapBefore">Managed heap bytes before the collection.</param>
/// <param name="HeapAfter">Managed heap bytes after it.</param>
internal readonly record struct TrimResult(bool Trimmed, long RetryInMilliseconds, long HeapBefore, long HeapAfter);

/// <summary>
/// Hands the GC's free memory back to the OS once a burst of work is over. Until the GC next runs it
/// keeps as much memory committed as its budgets allow: the young generation's (about 16 MiB with a
/// 32 MiB L3 cache) and, after large responses, the large-object heap's (hundreds of MiB after a
/// getAllProcessInfo flood with 5,000 programs); for an idle daemon the GC never runs again. One
/// aggressive, compacting, decommitting collection fixes that, when at least
/// <see cref="MinAllocatedBytes"/> were allocated since the last one (a monitoring client polling every
/// few seconds causes one every few minutes at most) and no more than once per
/// <see cref="MinIntervalMilliseconds"/>. Its two callers, the engine when every process has settled
/// and the HTTP side when requests stopped, share the daemon's one instance, so the work they did
/// together is collected once (the RPC polls of a launch end when the processes settle).
/// </summary>
/// <param name="clock">Measures the interval between trims (the system clock when null).</param>
internal sealed class MemoryTrimmer(
    TimeProvider? clock = null,
    long minAllocatedBytes = MemoryTrimmer.MinAllocatedBytes,
    long minIntervalMilliseconds = MemoryTrimmer.MinIntervalMilliseconds)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    // What the last status polls of a launch allocate after the engine's settle trim (about 3 MiB with
    // 200 programs) is memory the GC keeps committed until it next runs: worth one more small collection.
    public const long MinAllocatedBytes = 2 * 1024 * 1024;
    // Short enough that the HTTP side's trim, which a launch's last status polls push just past the
    // engine's settle trim, comes a few seconds later rather than ten.
    public const long MinIntervalMilliseconds = 5_000;

    private readonly Lock _gate = new();
    private long _released;
    private long _allocatedAtTrim;
    private long? _trimmedAt;

    /// <summary>
    /// Counts memory that was alive at the last trim and is garbage now (a large request body, held while a
    /// slow client sent it, once the request ended) towards the next trim, as if it had been allocated since.
    /// </summary>
    public void NoteReleased(long bytes) => Interlocked.Add(ref _released, bytes);

    /// <summary>Collects if enough was allocated (or released) and the last trim is old enough (thread-safe).</summary>
    public TrimResult TryTrim()
    {
        lock (_gate)
        {
            if (GC.GetTotalAllocatedBytes() - _allocatedAtTrim + Volatile.Read(ref _released) < minAllocatedBytes)
            {
                return default;
            }

            var now = _clock.GetTimestamp();
            if (_trimmedAt is { } last && (long)_clock.GetElapsedTime(last, now).TotalMilliseconds is var since && since < minIntervalMilliseconds)
            {
                return new TrimResult(false, minIntervalMilliseconds - since, 0, 0);
            }

            var before = GC.GetTotalMemory(forceFullCollection: false);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            _allocatedAtTrim = GC.GetTotalAllocatedBytes();
            Interlocked.Exchange(ref _released, 0);
            _trimmedAt = now;
            return new TrimResult(true, 0, before, GC.GetTotalMemory(forceFullCollection: false));
        }
    }
}
