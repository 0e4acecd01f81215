using System.Buffers;

namespace Supervisor.Host.Http;

/// <summary>
/// A request body gathered read by read into arrays of its own, 64 KiB each, and read back as one
/// <see cref="ReadOnlySequence{T}"/>. Fixed pieces rather than one growing array: growing by doubling
/// leaves as much garbage as it keeps, and arrays above 85,000 bytes live on the large-object heap,
/// which only a full collection frees; 64 KiB pieces cost exactly what arrived.
/// </summary>
internal sealed class BodySegments
{
    private const int SegmentBytes = 64 * 1024;

    private Segment? _first;
    private Segment? _last;

    /// <summary>Bytes gathered so far.</summary>
    public long Length { get; private set; }

    /// <summary>Copies <paramref name="data"/> after what is already held.</summary>
    public void Append(in ReadOnlySequence<byte> data)
    {
        foreach (var memory in data)
        {
            var span = memory.Span;
            while (!span.IsEmpty)
            {
                if (_last is null || _last.Used == SegmentBytes)
                {
                    var next = new Segment(new byte[SegmentBytes], Length);
                    if (_last is null)
                    {
                        _first = next;
                    }
                    else
                    {
                        _last.SetNext(next);
                    }

                    _last = next;
                }

                var taken = Math.Min(span.Length, SegmentBytes - _last.Used);
                span[..taken].CopyTo(_last.Bytes.AsSpan(_last.Used));
                _last.Used += taken;
                Length += taken;
                span = span[taken..];
            }
        }
    }

    /// <summary>Everything gathered, as one sequence over the pieces (valid while this instance lives).</summary>
    public ReadOnlySequence<byte> ToSequence()
    {
        if (_first is null || _last is null)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        for (var segment = _first; segment is not null; segment = (Segment?)segment.Next)
        {
            segment.Seal();
        }

        return new ReadOnlySequence<byte>(_first, 0, _last, _last.Used);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Bytes = bytes;
            RunningIndex = runningIndex;
        }

        public byte[] Bytes { get; }

        public int Used { get; set; }

        public void SetNext(Segment next) => Next = next;

        /// <summary>Shows the bytes used so far as this piece's memory.</summary>
        public void Seal() => Memory = Bytes.AsMemory(0, Used);
    }
}
