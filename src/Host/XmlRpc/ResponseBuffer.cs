using System.Buffers;
using System.Globalization;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// A growable byte buffer for encoding responses that refuses to hold more than <see cref="Limit"/>
/// bytes: an encoding that would pass it stops with <see cref="ResponseTooLargeException"/> as soon as
/// it gets there, so a huge result costs at most the limit in memory, not its whole size. It can also
/// go back to an earlier length (<see cref="Truncate"/>), to drop a partly written value.
/// </summary>
internal sealed class ResponseBuffer : IBufferWriter<byte>
{
    private byte[] _bytes;
    private int _count;

    public ResponseBuffer(int initialCapacity = 4096)
    {
        _bytes = new byte[initialCapacity];
    }

    /// <summary>The most bytes the buffer may hold; past it, <see cref="Advance"/> throws.</summary>
    public long Limit { get; set; } = int.MaxValue;

    public int WrittenCount => _count;

    public int Capacity => _bytes.Length;

    public ReadOnlyMemory<byte> WrittenMemory => _bytes.AsMemory(0, _count);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_count + (long)count > _bytes.Length)
        {
            throw new InvalidOperationException("advanced past the end of the buffer");
        }

        _count += count;
        if (_count > Limit)
        {
            throw new ResponseTooLargeException();
        }
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _bytes.AsMemory(_count);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _bytes.AsSpan(_count);
    }

    /// <summary>Forgets everything written after the first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _count);
        _count = length;
    }

    public void Clear() => _count = 0;

    private void Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_bytes.Length - _count >= sizeHint)
        {
            return;
        }

        if (_count >= Limit)
        {
            throw new ResponseTooLargeException();
        }

        // Doubling, but never much past the limit: the last growth stops at the limit plus this request.
        var needed = (long)_count + sizeHint;
        var grown = Math.Max(needed, Math.Min(2L * _bytes.Length, Limit + sizeHint));
        if (grown > Array.MaxLength)
        {
            throw new ResponseTooLargeException();
        }

        Array.Resize(ref _bytes, (int)grown);
    }
}

/// <summary>An encoding went past the <see cref="ResponseBuffer.Limit"/> of its buffer.</summary>
internal sealed class ResponseTooLargeException() : Exception("the response would exceed its size limit")
{
    /// <summary>"64 MiB" for whole mebibytes, else the byte count.</summary>
    public static string DescribeBytes(long bytes) =>
        bytes % (1024 * 1024) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
}
