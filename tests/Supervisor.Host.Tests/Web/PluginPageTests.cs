using Supervisor.Abstractions;
using Supervisor.Host.Tests.Integration;
using Supervisor.Host.Web;

namespace Supervisor.Host.Tests.Web;

/// <summary>
/// A plugin's own page (<see cref="IWebPages"/>): the sample plugin adds <c>/plugin/another/summary</c>, a
/// template embedded in the plugin on a model from its code, rendered in the interface's layout on both transports
/// (its authentication is <see cref="Http.GateTests"/>', which calls every route of the daemon).
/// </summary>
public sealed class PluginPageTests(SampleDaemonFixture fixture) : IClassFixture<SampleDaemonFixture>
{
    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task TheSamplePluginsPageIsRenderedInTheLayoutAndLinkedFromIt(string transport)
    {
        var session = new WebSession(fixture.Daemon, transport);
        await fixture.Daemon.Unix.ValueAsync("supervisor.getState");
        var page = await session.GetAsync("/plugin/another/summary");

        Assert.Equal(200, page.Status);
        Assert.Contains("<title>Another: summary</title>", page.BodyText);
        Assert.Contains("<h1>test-daemon</h1>", page.BodyText);
        Assert.Contains("this namespace retries 1 time(s)", page.BodyText);
        Assert.Contains("href=\"../../static/supervisor.css\"", page.BodyText);
        Assert.Contains("frame-ancestors 'none'", page.Header("Content-Security-Policy"));

        var status = await session.GetAsync("/");
        Assert.Contains("<a href=\"plugin/another/summary\">Another: summary</a>", status.BodyText);
        Assert.Equal(404, (await session.GetAsync("/plugin/another/nosuch")).Status);
    }

    [Fact]
    public void APageWhoseTemplateDoesNotParseOrWhoseNameIsNotASegmentIsRefused()
    {
        var pages = new PluginPages();
        static Task<object> Model(WebPageRequest request, CancellationToken cancellationToken) => Task.FromResult<object>(new { });

        Assert.Throws<ArgumentException>(() => pages.Add(new WebPage("mine", "broken", "Broken", "{{ if }", Model)));
        Assert.Throws<ArgumentException>(() => pages.Add(new WebPage("mine", "../up", "Up", "x", Model)));
        pages.Add(new WebPage("mine", "ok", "Ok", "<p>{{ 1 + 1 }}</p>", Model));
        Assert.Throws<ArgumentException>(() => pages.Add(new WebPage("mine", "ok", "Ok again", "x", Model)));
        Assert.True(pages.TryFind("/plugin/mine/ok", out _, out var template));
        Assert.Equal("<p>2</p>", template.Render(new { }));
    }

    [Fact]
    public void TemplatesEscapeWhatTheyWriteUnlessItIsMarkupTheInterfaceBuilt()
    {
        var template = PageTemplate.Parse("t", "<p title=\"{{ text }}\">{{ text }}</p>{{ html }}");

        var html = template.Render(new { Text = "<b>\"x\" & 'y'</b>", Html = new HtmlText("<i>ok</i>") });

        Assert.Equal("<p title=\"&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;\">&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;</p><i>ok</i>", html);
    }

    [Theory]
    [InlineData("plain <tag>", "plain &lt;tag&gt;")]
    [InlineData("\u001b[31mred\u001b[0m after", "<span class=\"ansi-fg1\">red</span> after")]
    [InlineData("\u001b[1;92mbold green\u001b[39m bold\u001b[22m none", "<span class=\"ansi-fg10 ansi-bold\">bold green</span><span class=\"ansi-bold\"> bold</span> none")]
    [InlineData("\u001b[2Kcleared \u001b[Acursor", "cleared cursor")]
    [InlineData("cut \u001b[3", "cut ")]
    public void AnsiColoursBecomeSpansAndOtherSequencesAreDropped(string log, string html)
    {
        Assert.Equal(html, AnsiHtml.Convert(log));
    }
}
