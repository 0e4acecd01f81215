namespace Supervisor.Abstractions;

/// <summary>
/// The daemon's web interface, to which a plugin adds pages of its own: each is served at
/// <c>/plugin/&lt;namespace&gt;/&lt;name&gt;</c>, rendered inside the interface's layout, behind the same
/// authentication as every other page, and linked from the layout. Ask for it as a parameter of your factory.
/// </summary>
public interface IWebPages
{
    /// <summary>Adds a page; its template is compiled here, once.</summary>
    /// <exception cref="ArgumentException">The template does not parse, a name is not a plain path segment, or the page exists.</exception>
    void Add(WebPage page);
}

/// <summary>A plugin's page.</summary>
/// <param name="Namespace">The plugin's namespace (<c>another</c>): the page's route is under it.</param>
/// <param name="Name">The page's name in its route: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>.</param>
/// <param name="Title">The page's title and the text of its link.</param>
/// <param name="Template">
/// A Scriban template (the plugin's own text, e.g. an embedded resource). Every value it writes is
/// HTML-escaped; the model's properties are its variables in snake_case (<c>ProcessCount</c> is
/// <c>process_count</c>).
/// </param>
/// <param name="Model">Makes the template's model for one request, from its query parameters.</param>
public sealed record WebPage(string Namespace, string Name, string Title, string Template, Func<WebPageRequest, CancellationToken, Task<object>> Model);

/// <summary>One request for a plugin's page.</summary>
/// <param name="Parameters">The query string's parameters (the first value of each).</param>
public sealed record WebPageRequest(IReadOnlyDictionary<string, string> Parameters);
