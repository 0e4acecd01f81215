namespace Supervisor.Host.Http;

/// <summary>
/// How many bytes of request bodies all connections together may hold while they arrive. A body is read
/// in full before it is parsed (a request is at most 16 MiB), so without a shared bound thirty clients
/// that each send most of a large body and then stop would pin half a gigabyte for as long as they keep
/// their connections. Bytes are taken as they arrive (a declared Content-Length costs nothing until it is
/// sent), and a request whose next bytes find the budget spent is answered 503.
/// </summary>
internal sealed class BodyBudget(long capacity)
{
    /// <summary>The largest request body the daemon reads (larger ones are refused with 413).</summary>
    public const long MaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>Four bodies of the largest size at once.</summary>
    public const long DefaultCapacity = 4 * MaxBodyBytes;

    private long _available = capacity;

    public long Capacity { get; } = capacity;

    /// <summary>Takes <paramref name="bytes"/> from the budget, or returns false and takes nothing.</summary>
    public bool TryReserve(long bytes)
    {
        var available = Volatile.Read(ref _available);
        while (available >= bytes)
        {
            var seen = Interlocked.CompareExchange(ref _available, available - bytes, available);
            if (seen == available)
            {
                return true;
            }

            available = seen;
        }

        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref _available, bytes);
}
