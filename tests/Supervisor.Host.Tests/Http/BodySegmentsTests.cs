using System.Buffers;
using Supervisor.Host.Http;

namespace Supervisor.Host.Tests.Http;

/// <summary>A body gathered in 64 KiB pieces reads back byte for byte, whatever the sizes of the reads.</summary>
public sealed class BodySegmentsTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(10, 3)]
    [InlineData(65_536, 65_536)]
    [InlineData(200_000, 1_000)]
    [InlineData(1_000_000, 70_001)]
    public void WhatIsAppendedReadsBackInOrder(int length, int readSize)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var body = new BodySegments();
        for (var offset = 0; offset < length; offset += readSize)
        {
            body.Append(new ReadOnlySequence<byte>(data, offset, Math.Min(readSize, length - offset)));
        }

        var sequence = body.ToSequence();

        Assert.Equal(length, body.Length);
        Assert.Equal(length, sequence.Length);
        Assert.Equal(data, sequence.ToArray());
    }
}
