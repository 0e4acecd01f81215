using System.Text.RegularExpressions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Web;

/// <summary>
/// The status page over real HTTP on both transports, against the reference's behaviour
/// (<c>supervisor/web.py</c>, <c>StatusView</c>): rows, states, actions, messages; and what we do where the
/// reference is unsafe: actions only by POST with the session's token.
/// </summary>
public sealed partial class StatusPageTests(WebDaemonFixture fixture) : IClassFixture<WebDaemonFixture>
{
    public static TheoryData<string> Transports() => ["unix", "tcp"];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task RowsAreSortedByGroupThenProcessWithTheirStatesAndActions(string transport)
    {
        var page = await new WebSession(fixture.Daemon, transport).GetAsync("/index.html");

        Assert.Equal(200, page.Status);
        Assert.Equal("text/html;charset=utf-8", page.Header("Content-Type"));
        Assert.Equal("no-cache", page.Header("Cache-Control"));
        Assert.Contains("<title>Supervisor Status</title>", page.BodyText);
        var rows = WebSession.Rows(page.BodyText).Where(r => r.Name != "toggled").ToList();
        Assert.Equal([WebDaemonFixture.MarkupName, "grp:a", "nolog", "nosuch", "sleeper"], rows.Select(r => r.Name));
        var sleeper = rows.Single(r => r.Name == "sleeper");
        Assert.Equal(("statusrunning", "running"), (sleeper.StateClass, sleeper.State));
        Assert.StartsWith("pid ", sleeper.Description);
        Assert.Equal(["Restart", "Stop", "Clear Log", "Tail -f Stdout", "Tail -f Stderr"], sleeper.Actions);
        var nosuch = rows.Single(r => r.Name == "nosuch");
        Assert.Equal(("statusnominal", "stopped", "Not started"), (nosuch.StateClass, nosuch.State, nosuch.Description));
        Assert.Equal(["Start", "Clear Log", "Tail -f Stdout", "Tail -f Stderr"], nosuch.Actions);
        Assert.Contains("href=\"logtail/grp%3Aa/stderr\" target=\"_blank\"", page.BodyText);
        Assert.Contains("href=\"tail.html?processname=grp%3Aa\" target=\"_blank\"", page.BodyText);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ANameWithMarkupIsShownAsText(string transport)
    {
        var page = await new WebSession(fixture.Daemon, transport).GetAsync("/?message=%3Cscript%3Ealert(1)%3C/script%3E");

        Assert.DoesNotContain("<b>evil", page.BodyText);
        Assert.Contains("&lt;b&gt;evil&lt;b&gt;", page.BodyText);
        Assert.DoesNotContain("<script>alert", page.BodyText);
        Assert.Contains("<div id=\"message\" class=\"status_msg\" role=\"status\">&lt;script&gt;alert(1)&lt;/script&gt;</div>", page.BodyText);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task EveryPageHasNoInlineScriptAndForbidsFraming(string transport)
    {
        var session = new WebSession(fixture.Daemon, transport);
        foreach (var path in new[] { "/", "/index.html?action=stop&processname=sleeper", "/tail.html?processname=sleeper" })
        {
            var page = await session.GetAsync(path);
            var csp = page.Header("Content-Security-Policy")!;
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("DENY", page.Header("X-Frame-Options"));
            Assert.Empty(InlineScript().Matches(page.BodyText));
            Assert.DoesNotMatch(EventAttribute(), page.BodyText);
            Assert.DoesNotContain(" style=", page.BodyText);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AGetWithAnActionAsksAndChangesNothing(string transport)
    {
        var session = new WebSession(fixture.Daemon, transport);
        var page = await session.GetAsync("/index.html?processname=sleeper&action=stop");

        Assert.Equal(200, page.Status);
        Assert.Contains("<p>Stop sleeper?</p>", page.BodyText);
        Assert.Contains("<input type=\"hidden\" name=\"action\" value=\"stop\">", page.BodyText);
        Assert.Contains($"<input type=\"hidden\" name=\"token\" value=\"{session.Token}\">", page.BodyText);
        Assert.Equal("RUNNING", await fixture.Daemon.StateAsync("sleeper"));

        var stopAll = await session.GetAsync("/index.html?action=stopall");
        Assert.Contains("<p>Stop all processes?</p>", stopAll.BodyText);
        Assert.Equal("RUNNING", await fixture.Daemon.StateAsync("sleeper"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task APostWithoutTheSessionsTokenIsRefusedAndChangesNothing(string transport)
    {
        var session = new WebSession(fixture.Daemon, transport);
        await session.OpenAsync();

        var noToken = await session.PostAsync("/index.html", [("action", "stop"), ("processname", "sleeper")], withToken: false);
        Assert.Equal(403, noToken.Status);
        Assert.Contains("<p>Stop sleeper?</p>", noToken.BodyText);

        // Another session's token (a page another browser, or another site, got) does not fit this cookie.
        var other = new WebSession(fixture.Daemon, transport);
        await other.OpenAsync();
        other.Cookie = session.Cookie;
        Assert.Equal(403, (await other.PostAsync("/index.html", [("action", "stop"), ("processname", "sleeper")])).Status);

        // Without a cookie there is no session at all.
        var cookieless = new WebSession(fixture.Daemon, transport);
        await cookieless.OpenAsync();
        cookieless.Cookie = null;
        Assert.Equal(403, (await cookieless.PostAsync("/index.html", [("action", "stopall")])).Status);

        Assert.Equal("RUNNING", await fixture.Daemon.StateAsync("sleeper"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task APostWithTheTokenActsAndRedirectsWithTheReferencesMessage(string transport)
    {
        var session = new WebSession(fixture.Daemon, transport);
        await session.OpenAsync();

        Assert.Equal("Process toggled stopped", WebSession.RedirectMessage(await session.PostAsync("/index.html", [("action", "stop"), ("processname", "toggled")])));
        Assert.Equal("STOPPED", await fixture.Daemon.StateAsync("toggled"));
        var stopped = WebSession.Rows((await session.GetAsync("/")).BodyText).Single(r => r.Name == "toggled");
        Assert.Equal(["Start", "Clear Log", "Tail -f Stdout", "Tail -f Stderr"], stopped.Actions);

        Assert.Equal("Process toggled started", WebSession.RedirectMessage(await session.PostAsync("/", [("action", "start"), ("processname", "toggled")])));
        Assert.Equal("RUNNING", await fixture.Daemon.StateAsync("toggled"));

        Assert.Equal("ERROR: Process toggled: already started", WebSession.RedirectMessage(await session.PostAsync("/", [("action", "start"), ("processname", "toggled")])));
        Assert.Equal("Process toggled restarted", WebSession.RedirectMessage(await session.PostAsync("/", [("action", "restart"), ("processname", "toggled")])));
        Assert.Equal("Log for toggled cleared", WebSession.RedirectMessage(await session.PostAsync("/", [("action", "clearlog"), ("processname", "toggled")])));
        Assert.Equal("ERROR: Process nosuch: no such file", WebSession.RedirectMessage(await session.PostAsync("/", [("action", "start"), ("processname", "nosuch")])));
        Assert.Equal("unexpected rpc fault [70] NOT_RUNNING: nosuch", WebSession.RedirectMessage(await session.PostAsync("/", [("action", "stop"), ("processname", "nosuch")])));
        Assert.Equal("No such process named ghost", WebSession.RedirectMessage(await session.PostAsync("/", [("action", "stop"), ("processname", "ghost")])));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task TheMessageOfTheRedirectIsShownOnTheNextPage(string transport)
    {
        var session = new WebSession(fixture.Daemon, transport);
        var refresh = await session.GetAsync("/index.html?action=refresh");

        var message = WebSession.RedirectMessage(refresh);
        Assert.Matches(@"^Page refreshed at [A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$", message);
        var page = await session.GetAsync("/" + refresh.Header("Location")!);
        Assert.Contains($"<div id=\"message\" class=\"status_msg\" role=\"status\">{message}</div>", page.BodyText);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AnUnknownActionIsABadRequest(string transport)
    {
        var page = await new WebSession(fixture.Daemon, transport).GetAsync("/?action=explode&processname=sleeper");

        Assert.Equal(400, page.Status);
        Assert.Contains("ERROR: unknown action explode", page.BodyText);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task TheFilterShowsOnlyMatchingNames(string transport)
    {
        var page = await new WebSession(fixture.Daemon, transport).GetAsync("/?filter=SLEEP");

        Assert.Equal(["sleeper"], WebSession.Rows(page.BodyText).Select(r => r.Name));
        Assert.Contains("value=\"SLEEP\"", page.BodyText);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task OkAndTheStylesheetAreServedAndAMissingFileIsNotFound(string transport)
    {
        var session = new WebSession(fixture.Daemon, transport);
        var ok = await session.GetAsync("/ok.html");
        Assert.Equal((200, "OK"), (ok.Status, ok.BodyText));

        var css = await session.GetAsync("/static/supervisor.css");
        Assert.Equal(200, css.Status);
        Assert.Equal("text/css; charset=utf-8", css.Header("Content-Type"));
        Assert.Contains(".statusrunning", css.BodyText);

        Assert.Equal(404, (await session.GetAsync("/static/nosuch.css")).Status);
        Assert.Equal(404, (await session.GetAsync("/nosuch")).Status);
    }

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<[^>]+\\son[a-z]+=", RegexOptions.IgnoreCase)]
    private static partial Regex EventAttribute();
}
