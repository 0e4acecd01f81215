using System.Buffers;

namespace Supervisor.Host.XmlRpc;

/// <summary>A read-only, forward-only stream over bytes already in memory; copies nothing up front.</summary>
internal sealed class ReadOnlySequenceStream : Stream
{
    private ReadOnlySequence<byte> _remaining;

    public ReadOnlySequenceStream(ReadOnlySequence<byte> sequence)
    {
        _remaining = sequence;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, _remaining.Length);
        if (count == 0)
        {
            return 0;
        }

        var slice = _remaining.Slice(0, count);
        slice.CopyTo(buffer);
        _remaining = _remaining.Slice(slice.End);
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
