using System.Text;
using Microsoft.AspNetCore.Http;
using Supervisor.Host.Http;
using Supervisor.Host.Rpc;
using Supervisor.Host.Tests.Support;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.Http;

/// <summary>The size limit of one answer (issue 11 item 4), with a small limit so the cases stay small.</summary>
public sealed class ResponseSenderTests
{
    private const long Limit = 4096;
    private readonly RecordingLog _log = new();

    [Fact]
    public async Task AnAnswerWithinTheLimitIsSentWithItsContentLength()
    {
        var (context, body) = NewContext();

        await new ResponseSender(_log, Limit).SendAsync(context.Response, RpcOutcome.Success(new string('a', 3000)));

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(body.Length, context.Response.ContentLength);
        Assert.Contains(new string('a', 3000), Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task AnAnswerPastTheLimitIsAFailedFaultNamingTheLimit()
    {
        var (context, body) = NewContext();

        await new ResponseSender(_log, Limit).SendAsync(context.Response, RpcOutcome.Success(new string('a', 5000)));

        var response = XmlRpcResponseReader.Read(body.ToArray());
        Assert.True(response.IsFault);
        Assert.Equal(30, response.Fault!.Code);
        Assert.Equal("FAILED: the response would exceed the limit of 4096 bytes per request", response.Fault.String);
        Assert.Contains(_log.Lines, l => l.Message == "XML-RPC result not sent: the response would exceed the limit of 4096 bytes per request");
    }

    [Fact]
    public void TheBufferStopsGrowingAtItsLimit()
    {
        var buffer = new ResponseBuffer(16) { Limit = 1000 };
        var writer = new XmlRpcValueWriter(buffer);

        Assert.Throws<ResponseTooLargeException>(() =>
        {
            writer.WriteValue(new string('a', 1_000_000));
            writer.Flush();
        });
        Assert.InRange(buffer.Capacity, 0, 1000 + 8192);
    }

    [Fact]
    public void TruncateForgetsAPartlyWrittenValue()
    {
        var buffer = new ResponseBuffer();
        var writer = new XmlRpcValueWriter(buffer);
        writer.WriteInt(1);
        writer.Flush();
        var mark = buffer.WrittenCount;
        writer.WriteString("partial");
        writer.Flush();

        buffer.Truncate(mark);

        Assert.Equal("<value><int>1</int></value>\n", Encoding.UTF8.GetString(buffer.WrittenMemory.Span));
    }

    private static (DefaultHttpContext Context, MemoryStream Body) NewContext()
    {
        var body = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        return (context, body);
    }
}
