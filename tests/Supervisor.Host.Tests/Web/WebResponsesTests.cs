using System.Text;
using Microsoft.AspNetCore.Http;
using Supervisor.Host.Web;

namespace Supervisor.Host.Tests.Web;

/// <summary>A page is encoded from its buffer straight into the response: the length it announces must be the bytes it sends.</summary>
public sealed class WebResponsesTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task APageSplitInsideASurrogatePairIsSentWholeWithItsUtf8Length(string method)
    {
        // The builder's first chunk holds 15 characters and the emoji's first half: the pair is split between chunks.
        var html = new StringBuilder(16);
        html.Append(new string('a', 15)).Append("\U0001F600 caf\u00e9 <p>").Append(new string('b', 5000));
        Assert.True(CountChunks(html) > 1);
        var expected = Encoding.UTF8.GetBytes(html.ToString());
        var body = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Response.Body = body;

        WebResponses.WriteHtml(context, 200, html);
        await context.Response.BodyWriter.FlushAsync();

        Assert.Equal(expected.Length, context.Response.ContentLength);
        Assert.Equal(method == "GET" ? expected : [], body.ToArray());
        Assert.Equal("text/html;charset=utf-8", context.Response.ContentType);
    }

    private static int CountChunks(StringBuilder text)
    {
        var count = 0;
        foreach (var chunk in text.GetChunks())
        {
            count += chunk.Length > 0 ? 1 : 0;
        }

        return count;
    }
}
