using System.Text;
using Microsoft.AspNetCore.Http;
using Supervisor.Abstractions;
using Supervisor.Host.Http;
using Supervisor.Host.Rpc;
using Supervisor.Host.Tests.SupervisorNamespace;
using Supervisor.Host.Tests.Support;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.Http;

/// <summary>
/// The <c>/logtail</c> and <c>/mainlogtail</c> streams and the tail -f follower behind them (<c>supervisor/http.py</c>,
/// <c>logtail_handler</c>, <c>mainlogtail_handler</c> and <c>tail_f_producer</c>).
/// </summary>
public sealed class LogTailHttpTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>No request here is an XML-RPC call, so the pipeline is ready without a dispatcher.</summary>
    private static readonly Task<RpcDispatcher> NoCalls = Task.FromResult<RpcDispatcher>(null!);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FollowerStartsWithTheLast1024BytesThenFollowsAppends()
    {
        var path = _dir.Write("a.log", new string('x', 976) + new string('y', 1024));
        using var follower = FileFollower.Open(path, LogStream.Head);
        Assert.Equal(new string('y', 1024), Text(follower.More()));
        Assert.True(follower.More().IsEmpty);
        File.AppendAllText(path, "more\n");
        Assert.Equal("more\n", Text(follower.More()));
    }

    [Fact]
    public void FollowerSendsASmallFileWhole()
    {
        var path = _dir.Write("a.log", "short\n");
        using var follower = FileFollower.Open(path, LogStream.Head);
        Assert.Equal("short\n", Text(follower.More()));
    }

    [Fact]
    public void FollowerAnnouncesTruncationThenResendsFromTheStart()
    {
        var path = _dir.Write("a.log", "0123456789\n");
        using var follower = FileFollower.Open(path, LogStream.Head);
        follower.More();
        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
            truncate.Write("new\n"u8);
        }

        Assert.Equal("==> File truncated <==\n", Text(follower.More()));
        Assert.Equal("new\n", Text(follower.More()));
    }

    [Fact]
    public void FollowerReopensARotatedPath()
    {
        var path = _dir.Write("a.log", "old\n");
        using var follower = FileFollower.Open(path, LogStream.Head);
        follower.More();
        File.Move(path, path + ".1");
        File.WriteAllText(path, "fresh\n");
        Assert.Equal("fresh\n", Text(follower.More()));
        File.AppendAllText(path + ".1", "ignored\n");
        File.AppendAllText(path, "next\n");
        Assert.Equal("next\n", Text(follower.More()));
    }

    [Fact]
    public void FollowerKeepsTheOldFileWhileThePathIsGone()
    {
        var path = _dir.Write("a.log", "old\n");
        using var follower = FileFollower.Open(path, LogStream.Head);
        follower.More();
        File.Delete(path);
        Assert.True(follower.More().IsEmpty);
        File.WriteAllText(path, "back\n");
        Assert.Equal("back\n", Text(follower.More()));
    }

    [Theory]
    [InlineData("POST", "/logtail/web", 400)]
    [InlineData("HEAD", "/mainlogtail", 400)]
    [InlineData("GET", "/logtail", 500)]
    [InlineData("GET", "/logtail/", 404)]
    [InlineData("GET", "/logtail/nosuch", 404)]
    [InlineData("GET", "/logtail/web/foo", 404)]
    [InlineData("GET", "/logtail/web/stdout/x", 404)]
    [InlineData("GET", "/logtail/web:*", 404)]
    [InlineData("GET", "/logtail/quiet", 404)]
    [InlineData("GET", "/logtail/web/stderr", 404)]
    public async Task RefusalsAreTheReferences(string method, string path, int status)
    {
        var context = Request(method, path);
        await Handler().HandleAsync(context);
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("text/html", context.Response.ContentType);
    }

    [Fact]
    public async Task MainLogTailWithoutALogFileIs404()
    {
        var context = Request("GET", "/mainlogtail");
        await Pipeline(new PathLog(null), null).HandleAsync(context);
        Assert.Equal(404, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("/logtail/web", "out", true)]
    [InlineData("/logtail/web:web/stdout", "out", true)]
    [InlineData("/logtail/grp%3Aa/stdout", "a-out", true)]
    [InlineData("/logtail/grp:a/stderr", "a-err", true)]
    [InlineData("/logtailxyz/web", "out", true)]
    [InlineData("/mainlogtail", "main", false)]
    [InlineData("/mainlogtailzz?x=1", "main", false)]
    public async Task StreamsTheRightFileWithTheReferencesHeaders(string target, string file, bool accelHeader)
    {
        var context = Request("GET", target);
        using var cancel = new CancellationTokenSource();
        context.RequestAborted = cancel.Token;
        var body = new CapturingStream();
        context.Response.Body = body;
        var handler = Handler();
        var lastModified = File.GetLastWriteTimeUtc(_dir.File(file + ".log")).ToString("R");
        var handling = handler.HandleAsync(context);

        await body.WaitForAsync(file + " line\n");
        File.AppendAllText(_dir.File(file + ".log"), "appended\n");
        await body.WaitForAsync(file + " line\nappended\n");
        cancel.Cancel();
        await handling.WaitAsync(Patience);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("text/plain;charset=utf-8", context.Response.ContentType);
        Assert.Equal(lastModified, context.Response.Headers.LastModified.ToString());
        Assert.Equal(accelHeader ? "no" : "", context.Response.Headers["X-Accel-Buffering"].ToString());
    }

    [Theory]
    [InlineData("/logtail/web?limit=2000", 2000)]
    [InlineData("/logtail/web/stdout?limit=5000", 3000)]
    [InlineData("/logtail/web?limit=10", 1024)]
    [InlineData("/logtail/web?limit=-5", 1024)]
    [InlineData("/logtail/web?limit=abc", 1024)]
    [InlineData("/logtail/web", 1024)]
    public async Task ALimitInTheQueryStartsTheStreamThatManyBytesBeforeTheEndAsTheTailPageShows(string target, int expected)
    {
        var log = string.Concat(Enumerable.Range(0, 300).Select(i => $"line {i:D4}\n"));
        _dir.Write("out.log", log);
        var context = Request("GET", target);
        using var cancel = new CancellationTokenSource();
        context.RequestAborted = cancel.Token;
        var body = new CapturingStream();
        context.Response.Body = body;
        var handling = Handler().HandleAsync(context);

        await body.WaitForAsync(log[^expected..]);
        cancel.Cancel();
        await handling.WaitAsync(Patience);
    }

    /// <summary>The daemon's own pipeline (its routes refuse other methods than GET here), on a listener without a username.</summary>
    private static HttpPipeline Pipeline(IMainLog log, IProcessTable? processes) =>
        new(NoCalls, log, XmlRpcLimits.Default, maxRequestBytes: 1024, new BodyBudget(1024), XmlRpcEndpoint.DefaultBodyTimeout, processes);

    private HttpPipeline Handler()
    {
        foreach (var name in new[] { "out", "a-out", "a-err", "main" })
        {
            if (!File.Exists(_dir.File(name + ".log")))
            {
                _dir.Write(name + ".log", name + " line\n");
            }
        }

        var table = new FakeProcessTable()
            .Add("web", FakeProcessTable.Process("web") with { StdoutLogfile = _dir.File("out.log"), StderrLogfile = _dir.File("none.log") })
            .Add("quiet", FakeProcessTable.Process("quiet"))
            .Add("grp", FakeProcessTable.Process("a") with { StdoutLogfile = _dir.File("a-out.log"), StderrLogfile = _dir.File("a-err.log") });
        return Pipeline(new PathLog(_dir.File("main.log")), table);
    }

    private static DefaultHttpContext Request(string method, string target)
    {
        var context = new DefaultHttpContext();
        var query = target.IndexOf('?', StringComparison.Ordinal);
        context.Request.Method = method;
        context.Request.Path = Uri.UnescapeDataString(query < 0 ? target : target[..query]);
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(target[query..]);
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = target;
        return context;
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private sealed class PathLog(string? path) : IMainLog
    {
        public string? FilePath => path;

        public MainLogLevel Level => MainLogLevel.Info;

        public bool IsEnabled(MainLogLevel level) => true;

        public void Write(MainLogLevel level, string message)
        {
        }

        public void Clear()
        {
        }
    }

    /// <summary>A response body the test can watch while the handler writes to it.</summary>
    private sealed class CapturingStream : Stream
    {
        private readonly MemoryStream _bytes = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string Text
        {
            get
            {
                lock (_bytes)
                {
                    return Encoding.UTF8.GetString(_bytes.ToArray());
                }
            }
        }

        public async Task WaitForAsync(string expected)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (Text != expected && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Equal(expected, Text);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_bytes)
            {
                _bytes.Write(buffer, offset, count);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_bytes)
            {
                _bytes.Write(buffer.Span);
            }

            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
