using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.Http;
using Supervisor.Host.Rpc;
using Route = Supervisor.Host.Http.Route;

namespace Supervisor.Host.Web;

/// <summary>What the layout template is given: the page's title and body, and what every page shows around it.</summary>
internal sealed record LayoutModel(string Title, HtmlText Content, string Root, string Token, string? Script, string Identifier, string Version, IReadOnlyList<PageLink> Pages);

/// <summary>A link in the layout's navigation (a plugin's page).</summary>
internal sealed record PageLink(string Title, string Href);

/// <summary>
/// The web interface (Supervisor's status and tail pages): its templates and files, its client of the
/// <c>supervisor</c> namespace, and its routes, which <see cref="HttpPipeline"/> puts behind the
/// <see cref="AuthenticationGate"/> with the others. See src/Host/Web/README.md.
/// </summary>
internal sealed class WebInterface
{
    public const string SupervisorVersion = "4.2.5";

    /// <param name="events">What the live status stream listens to; without it <c>/events</c> is a 404.</param>
    public WebInterface(Task<RpcDispatcher> ready, WebAssets assets, string identifier, TimeProvider clock, IEventBus? events = null)
    {
        Events = events;
        Assets = assets;
        Identifier = identifier;
        Rpc = new WebRpc(ready);
        Actions = new WebActions(Rpc, clock);
    }

    public WebAssets Assets { get; }

    public IEventBus? Events { get; }

    /// <summary>The pages plugins added.</summary>
    public PluginPages Plugins { get; } = new();

    public string Identifier { get; }

    public WebRpc Rpc { get; }

    public WebActions Actions { get; }

    /// <summary>The interface's routes, tried after XML-RPC and the log streams.</summary>
    /// <param name="stopping">Cancelled when the server stops: the live streams end.</param>
    public IEnumerable<Route> Routes(CancellationToken stopping)
    {
        var status = new StatusPageEndpoint(this);
        yield return new Route(HttpMethodSet.Get | HttpMethodSet.Post, PathMatch.Exact("/"), status);
        yield return new Route(HttpMethodSet.Get | HttpMethodSet.Post, PathMatch.Exact("/index.html"), status);
        yield return new Route(HttpMethodSet.Get | HttpMethodSet.Post, PathMatch.Exact("/tail.html"), new TailPageEndpoint(this));
        yield return new Route(HttpMethodSet.Get | HttpMethodSet.Post, PathMatch.Exact("/ok.html"), new OkEndpoint());
        yield return new Route(HttpMethodSet.Get, PathMatch.Exact(LiveStatusEndpoint.Path), new LiveStatusEndpoint(this, stopping));
        yield return new Route(HttpMethodSet.Get | HttpMethodSet.Head, PathMatch.Prefix(StaticFileEndpoint.Prefix), new StaticFileEndpoint(Assets));
        yield return new Route(HttpMethodSet.Get, PathMatch.Prefix(PluginPages.Prefix), new PluginPageEndpoint(this));
    }

    /// <summary>One row of the status table, as the page renders it.</summary>
    public string RowHtml(ProcessView process)
    {
        var html = new StringBuilder(1024);
        Assets.RenderRows([process], "", html);
        return html.ToString();
    }

    /// <summary>A whole page: <paramref name="body"/> inside the layout.</summary>
    public string Page(HttpContext context, string title, string body, string root = "", string? script = null)
    {
        var page = new StringBuilder(body.Length + 2048);
        WritePage(context, title, new HtmlText(body), page, root, script);
        return page.ToString();
    }

    /// <summary>A whole page into <paramref name="output"/>: <paramref name="body"/> inside the layout.</summary>
    public void WritePage(HttpContext context, string title, HtmlText body, StringBuilder output, string root = "", string? script = null) =>
        Assets.Layout.RenderTo(new LayoutModel(title, body, root, AntiForgery.TokenFor(context), script, Identifier, SupervisorVersion, Plugins.Links), output);
}

/// <summary><c>/ok.html</c>: <c>OK</c> as plain text, for load balancers' health checks.</summary>
internal sealed class OkEndpoint : IHttpEndpoint
{
    public Task HandleAsync(HttpContext context) => WebResponses.TextAsync(context, 200, "OK");
}

/// <summary><c>/static/&lt;name&gt;</c>: the interface's stylesheet and scripts (embedded, or the operator's).</summary>
internal sealed class StaticFileEndpoint(WebAssets assets) : IHttpEndpoint
{
    public const string Prefix = "/static/";

    public Task HandleAsync(HttpContext context)
    {
        var name = (context.Request.Path.Value ?? "")[Prefix.Length..];
        if (assets.StaticFile(name) is not { } file)
        {
            return ErrorPages.WriteAsync(context, 404);
        }

        context.Response.Headers.CacheControl = "max-age=300";
        return WebResponses.WriteAsync(context, 200, file.ContentType, file.Content, cache: true);
    }
}
