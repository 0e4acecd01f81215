using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Web;

/// <summary>
/// A browser's side of the web interface over raw HTTP, on one transport: it keeps the session cookie the daemon
/// sets and reads the page's anti-forgery token, as a browser and the page's script do.
/// </summary>
internal sealed partial class WebSession(RunningDaemon daemon, string transport, string? credentials = null)
{
    public string? Cookie { get; set; }

    public string? Token { get; private set; }

    public async Task<RawHttpResponse> GetAsync(string path)
    {
        var response = await RawHttp.ExchangeAsync(daemon.EndPoint(transport), RawHttp.Request("GET", path, Headers()));
        Remember(response);
        return response;
    }

    /// <summary>POSTs a urlencoded form; <paramref name="withToken"/> adds the token the last page carried.</summary>
    public async Task<RawHttpResponse> PostAsync(string path, IEnumerable<(string Name, string Value)> fields, bool withToken = true)
    {
        var all = fields.ToList();
        if (withToken && Token is not null)
        {
            all.Add(("token", Token));
        }

        var body = string.Join('&', all.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));
        var response = await RawHttp.ExchangeAsync(daemon.EndPoint(transport), RawHttp.Post(path, body, "1.1", [.. Headers(), "Content-Type: application/x-www-form-urlencoded"]));
        Remember(response);
        return response;
    }

    /// <summary>Opens the status page so the session has a cookie and a token.</summary>
    public async Task<RawHttpResponse> OpenAsync()
    {
        var page = await GetAsync("/");
        Assert.Equal(200, page.Status);
        Assert.NotNull(Cookie);
        Assert.NotNull(Token);
        return page;
    }

    /// <summary>The message a 303 after an action carries to the next page.</summary>
    public static string RedirectMessage(RawHttpResponse response)
    {
        Assert.Equal(303, response.Status);
        var location = response.Header("Location")!;
        Assert.StartsWith("index.html?message=", location);
        return Uri.UnescapeDataString(location["index.html?message=".Length..]);
    }

    /// <summary>The rows of a status page: (name, state class, lower-case state, description, action labels).</summary>
    public static List<(string Name, string StateClass, string State, string Description, string[] Actions)> Rows(string html) =>
        [.. RowPattern().Matches(html).Select(m => (
            WebUtility.HtmlDecode(m.Groups["name"].Value),
            m.Groups["class"].Value,
            m.Groups["state"].Value,
            WebUtility.HtmlDecode(m.Groups["description"].Value),
            ActionPattern().Matches(m.Groups["actions"].Value).Select(a => a.Groups["label"].Value).ToArray()))];

    private string[] Headers()
    {
        var headers = new List<string>();
        if (Cookie is not null)
        {
            headers.Add("Cookie: supervisor_session=" + Cookie);
        }

        if (credentials is not null)
        {
            headers.Add(RawHttp.BasicCredentials(credentials));
        }

        return [.. headers];
    }

    private void Remember(RawHttpResponse response)
    {
        foreach (var (name, value) in response.Headers)
        {
            if (string.Equals(name, "Set-Cookie", StringComparison.OrdinalIgnoreCase) && value.StartsWith("supervisor_session=", StringComparison.Ordinal))
            {
                Cookie = value["supervisor_session=".Length..value.IndexOf(';', StringComparison.Ordinal)];
            }
        }

        if (TokenPattern().Match(Encoding.UTF8.GetString(response.Body)) is { Success: true } token)
        {
            Token = token.Groups[1].Value;
        }
    }

    [GeneratedRegex("data-token=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<tr id=\"process-[^\"]*\" class=\"[^\"]*\" data-name=\"(?<name>[^\"]*)\">\\s*<td class=\"state\"><span class=\"(?<class>[^\"]*)\">(?<state>[^<]*)</span></td>\\s*<td class=\"description\">(?<description>[^<]*)</td>.*?<td class=\"action\"><ul>(?<actions>.*?)</ul></td>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("<li><a [^>]*>(?<label>[^<]*)</a></li>")]
    private static partial Regex ActionPattern();
}
