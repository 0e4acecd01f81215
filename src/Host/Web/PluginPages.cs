using System.Collections.Concurrent;
using Supervisor.Abstractions;
using Supervisor.Host.Http;

namespace Supervisor.Host.Web;

/// <summary>
/// The pages plugins added (<see cref="IWebPages"/>), served at <c>/plugin/&lt;namespace&gt;/&lt;name&gt;</c> inside the
/// interface's layout. They live as long as the generation whose plugins added them.
/// </summary>
internal sealed class PluginPages : IWebPages
{
    public const string Prefix = "/plugin/";

    private readonly ConcurrentDictionary<string, (WebPage Page, PageTemplate Template)> _pages = new(StringComparer.Ordinal);

    public void Add(WebPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!IsSegment(page.Namespace) || !IsSegment(page.Name))
        {
            throw new ArgumentException($"a page's namespace and name must be plain path segments: '{page.Namespace}/{page.Name}'", nameof(page));
        }

        PageTemplate template;
        try
        {
            template = PageTemplate.Parse($"{page.Namespace}/{page.Name}", page.Template);
        }
        catch (WebTemplateException e)
        {
            throw new ArgumentException(e.Message, nameof(page), e);
        }

        if (!_pages.TryAdd(Route(page), (page, template)))
        {
            throw new ArgumentException($"the page {Route(page)} exists", nameof(page));
        }
    }

    /// <summary>Links to every page, for the layout's navigation (relative to the daemon's root).</summary>
    public IReadOnlyList<PageLink> Links =>
        [.. _pages.Values.Select(p => new PageLink(p.Page.Title, Route(p.Page)[1..])).OrderBy(l => l.Href, StringComparer.Ordinal)];

    public bool TryFind(string path, out WebPage page, out PageTemplate template)
    {
        if (_pages.TryGetValue(path, out var found))
        {
            (page, template) = found;
            return true;
        }

        (page, template) = (null!, null!);
        return false;
    }

    private static string Route(WebPage page) => $"{Prefix}{page.Namespace}/{page.Name}";

    private static bool IsSegment(string? text) =>
        !string.IsNullOrEmpty(text) && text is not ("." or "..") && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

/// <summary><c>GET /plugin/&lt;namespace&gt;/&lt;name&gt;</c>: a plugin's page, its template rendered on its model inside the layout.</summary>
internal sealed class PluginPageEndpoint(WebInterface web) : IHttpEndpoint
{
    public async Task HandleAsync(HttpContext context)
    {
        if (!web.Plugins.TryFind(context.Request.Path.Value ?? "", out var page, out var template))
        {
            await ErrorPages.WriteAsync(context, 404);
            return;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in context.Request.Query)
        {
            parameters[key] = value.Count > 0 ? value[0] ?? "" : "";
        }

        string body;
        try
        {
            var model = await page.Model(new WebPageRequest(parameters), context.RequestAborted);
            body = template.Render(model);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A plugin's failure is its page's 500, with the reason, not the daemon's.
            body = "<p class=\"status_msg\">" + System.Net.WebUtility.HtmlEncode($"ERROR: the page failed: {e.GetType().Name}: {e.Message}") + "</p>";
            await WebResponses.HtmlAsync(context, 500, web.Page(context, page.Title, body, root: "../../"));
            return;
        }

        await WebResponses.HtmlAsync(context, 200, web.Page(context, page.Title, body, root: "../../"));
    }
}
