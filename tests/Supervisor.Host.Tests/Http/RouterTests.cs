using Microsoft.AspNetCore.Http;
using Supervisor.Abstractions;
using Supervisor.Host.Http;
using Supervisor.Host.Rpc;
using Supervisor.Host.Web;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.Http;

/// <summary>
/// The route table: exact and prefix paths, method sets, the first route that matches both wins, and the
/// reference's 400/404 for a request no route takes.
/// </summary>
public sealed class RouterTests
{
    private static readonly NamedEndpoint Rpc = new("rpc");
    private static readonly NamedEndpoint Tail = new("tail");
    private static readonly NamedEndpoint Page = new("page");
    private static readonly NamedEndpoint Root = new("root");
    private static readonly NamedEndpoint Action = new("action");

    /// <summary>Routes as the web UI will add them: exact pages, one of them with a POST action of its own.</summary>
    private static readonly Router Table = new(
    [
        new Route(HttpMethodSet.Post, PathMatch.Prefix("/RPC2"), Rpc),
        new Route(HttpMethodSet.Get, PathMatch.Prefix("/logtail"), Tail),
        new Route(HttpMethodSet.Get, PathMatch.Exact("/index.html"), Page),
        new Route(HttpMethodSet.Post, PathMatch.Exact("/index.html"), Action),
        new Route(HttpMethodSet.Get | HttpMethodSet.Head, PathMatch.Exact("/"), Root),
    ]);

    [Theory]
    [InlineData("POST", "/RPC2", "rpc")]
    [InlineData("POST", "/RPC2/x", "rpc")]
    [InlineData("POST", "/RPC2xyz", "rpc")]
    [InlineData("post", "/RPC2", "rpc")]
    [InlineData("GET", "/logtail/web/stdout", "tail")]
    [InlineData("GET", "/logtail", "tail")]
    [InlineData("GET", "/index.html", "page")]
    [InlineData("POST", "/index.html", "action")]
    [InlineData("GET", "/", "root")]
    [InlineData("HEAD", "/", "root")]
    public void ARequestGoesToTheRouteMatchingItsMethodAndPath(string method, string path, string endpoint)
    {
        Assert.Equal(endpoint, Assert.IsType<NamedEndpoint>(Table.Find(method, path, out var refusal)).Name);
        Assert.Equal(0, refusal);
    }

    [Theory]
    // A path some route serves, with a method it does not: 400, as the reference's handlers refuse other methods.
    [InlineData("GET", "/RPC2", 400)]
    [InlineData("HEAD", "/RPC2x", 400)]
    [InlineData("PUT", "/RPC2", 400)]
    [InlineData("POST", "/logtail/web", 400)]
    [InlineData("HEAD", "/index.html", 400)]
    [InlineData("DELETE", "/index.html", 400)]
    [InlineData("POST", "/", 400)]
    // A path no route serves: the reference's default handler, 404 for GET and HEAD, 400 for the rest.
    [InlineData("GET", "/nosuch", 404)]
    [InlineData("HEAD", "/nosuch", 404)]
    [InlineData("POST", "/nosuch", 400)]
    [InlineData("PUT", "/nosuch", 400)]
    [InlineData("TRACE", "/nosuch", 400)]
    [InlineData("BREW", "/RPC2", 400)]
    // Prefix and exact are plain, case-sensitive string matches.
    [InlineData("POST", "/rpc2", 400)]
    [InlineData("POST", "/RPC", 400)]
    [InlineData("GET", "/logtai", 404)]
    [InlineData("GET", "/index.htm", 404)]
    [InlineData("GET", "/index.html/", 404)]
    [InlineData("GET", "/index.htmlx", 404)]
    [InlineData("GET", "/INDEX.HTML", 404)]
    [InlineData("GET", "//", 404)]
    [InlineData("GET", "", 404)]
    public void ARequestNoRouteTakesIsRefusedAsTheReferenceDoes(string method, string path, int status)
    {
        Assert.Null(Table.Find(method, path, out var refusal));
        Assert.Equal(status, refusal);
    }

    [Fact]
    public void TheFirstRouteRegisteredThatMatchesBothWins()
    {
        var first = new NamedEndpoint("first");
        var second = new NamedEndpoint("second");
        var router = new Router(
        [
            new Route(HttpMethodSet.Get, PathMatch.Prefix("/a"), first),
            new Route(HttpMethodSet.Get | HttpMethodSet.Post, PathMatch.Prefix("/ab"), second),
        ]);

        Assert.Same(first, router.Find("GET", "/abc", out _));
        Assert.Same(second, router.Find("POST", "/abc", out _));
        Assert.Null(router.Find("POST", "/ax", out var refusal));
        Assert.Equal(400, refusal);
    }

    [Theory]
    [InlineData("/RPC2", true, "/RPC2/x", false)]
    [InlineData("/RPC2", true, "/RPC2", true)]
    [InlineData("/", true, "/logtail", true)]
    [InlineData("/index.html", false, "/index.html", false)]
    public void ARouteAnEarlierOneHidesIsRefusedWhenTheTableIsBuilt(string earlier, bool earlierIsPrefix, string later, bool laterIsPrefix)
    {
        var match = (string path, bool prefix) => prefix ? PathMatch.Prefix(path) : PathMatch.Exact(path);
        var e = Assert.Throws<ArgumentException>(() => new Router(
        [
            new Route(HttpMethodSet.Post | HttpMethodSet.Get, match(earlier, earlierIsPrefix), Rpc),
            new Route(HttpMethodSet.Post, match(later, laterIsPrefix), Page),
        ]));
        Assert.Contains("is never reached", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoutesThatOnlyOverlapAreAccepted()
    {
        _ = new Router(
        [
            new Route(HttpMethodSet.Get, PathMatch.Prefix("/RPC2"), Rpc),
            new Route(HttpMethodSet.Get | HttpMethodSet.Post, PathMatch.Prefix("/RPC2"), Page),
            new Route(HttpMethodSet.Post, PathMatch.Exact("/RPC"), Action),
            new Route(HttpMethodSet.Post, PathMatch.Prefix("/RP"), Tail),
        ]);
    }

    [Fact]
    public void ARouteMustServeAMethodAndItsPathStartWithASlash()
    {
        Assert.Throws<ArgumentException>(() => new Router([new Route(HttpMethodSet.None, PathMatch.Exact("/"), Root)]));
        Assert.Throws<ArgumentException>(() => PathMatch.Prefix("RPC2"));
        Assert.Throws<ArgumentException>(() => PathMatch.Exact(""));
    }

    [Theory]
    [InlineData("GET", "/nosuch", 404, "Not Found")]
    [InlineData("GET", "/RPC2", 400, "Bad Request")]
    public async Task ARefusalIsTheReferencesErrorPage(string method, string path, int status, string message)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        var body = new MemoryStream();
        context.Response.Body = body;

        await Table.RouteAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("text/html", context.Response.ContentType);
        Assert.Equal(Support.RawHttp.ErrorPage(status, message), System.Text.Encoding.ASCII.GetString(body.ToArray()));
        Assert.Equal(0, Rpc.Calls + Tail.Calls + Page.Calls + Root.Calls + Action.Calls);
    }

    [Fact]
    public async Task ARequestARouteTakesGoesToItsEndpointAlone()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/logtail/x";
        var tail = new NamedEndpoint("tail");
        var rpc = new NamedEndpoint("rpc");
        var router = new Router([new Route(HttpMethodSet.Post, PathMatch.Prefix("/RPC2"), rpc), new Route(HttpMethodSet.Get, PathMatch.Prefix("/logtail"), tail)]);

        await router.RouteAsync(context);

        Assert.Equal((1, 0), (tail.Calls, rpc.Calls));
    }

    [Fact]
    public void RoutingAllocatesNothing()
    {
        string[] methods = [HttpMethods.Post, HttpMethods.Get, HttpMethods.Head, HttpMethods.Put];
        string[] paths = ["/RPC2", "/logtail/web", "/index.html", "/", "/nosuch"];
        foreach (var method in methods)
        {
            foreach (var path in paths)
            {
                Table.Find(method, path, out _);
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            foreach (var method in methods)
            {
                foreach (var path in paths)
                {
                    Table.Find(method, path, out _);
                }
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>The daemon's own table, in the order the reference tries its handlers.</summary>
    [Fact]
    public void TheDaemonServesXmlRpcThenTheLogStreamsThenTheWebInterface()
    {
        var routes = DaemonRoutes();

        Assert.Equal(
            ["POST /RPC2*", "GET /logtail*", "GET /mainlogtail*", "GET|POST /", "GET|POST /index.html", "GET|POST /tail.html", "GET|POST /ok.html", "GET /events", "GET|HEAD /static/*", "GET /plugin/*"],
            routes.Select(r => r.ToString()));
        Assert.Equal([typeof(XmlRpcEndpoint), typeof(ProcessLogTailEndpoint), typeof(MainLogTailEndpoint)], routes.Take(3).Select(r => r.Endpoint.GetType()));
    }

    /// <summary>The routes every listener of the daemon serves, from the same constructor the daemon calls.</summary>
    internal static IReadOnlyList<Route> DaemonRoutes()
    {
        var ready = new TaskCompletionSource<RpcDispatcher>().Task;
        var web = new WebInterface(ready, WebAssets.Embedded, "supervisor", TimeProvider.System);
        return new HttpPipeline(ready, new Support.RecordingLog(MainLogLevel.Info), XmlRpcLimits.Default, 1024, new BodyBudget(1024), XmlRpcEndpoint.DefaultBodyTimeout, pages: web.Routes).Router.Routes;
    }

    private sealed class NamedEndpoint(string name) : IHttpEndpoint
    {
        public string Name => name;

        public int Calls { get; private set; }

        public Task HandleAsync(HttpContext context)
        {
            Calls++;
            return Task.CompletedTask;
        }

        public override string ToString() => name;
    }
}
