using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Web;

/// <summary>The tail page (<c>supervisor/web.py</c>, <c>TailView</c>) over real HTTP on both transports.</summary>
public sealed class TailPageTests(WebDaemonFixture fixture) : IClassFixture<WebDaemonFixture>
{
    public static TheoryData<string> Transports() => ["unix", "tcp"];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task TheLogIsShownEscapedWithItsColoursAsSpans(string transport)
    {
        var page = await new WebSession(fixture.Daemon, transport).GetAsync("/tail.html?processname=" + Uri.EscapeDataString(WebDaemonFixture.MarkupName));

        Assert.Equal(200, page.Status);
        Assert.Contains("<title>Supervisor tail of process &lt;b&gt;evil&lt;b&gt;</title>", page.BodyText);
        Assert.Contains("<span class=\"ansi-fg1\">red</span> &lt;script&gt;alert(1)&lt;/script&gt; &amp; more\n", page.BodyText);
        Assert.DoesNotContain("\u001b", page.BodyText);
        Assert.Contains("href=\"tail.html?processname=%3Cb%3Eevil%3Cb%3E&amp;limit=1024\"", page.BodyText);
    }

    [Theory]
    [InlineData("/tail.html", "No process name found", "None")]
    [InlineData("/tail.html?processname=", "No process name found", "")]
    [InlineData("/tail.html?processname=nolog", "No file for nolog", "nolog")]
    [InlineData("/tail.html?processname=ghost", "ERROR: unexpected rpc fault [10] BAD_NAME: ghost", "ghost")]
    public async Task ErrorsAreWordedAsTheReferenceWordsThem(string path, string text, string title)
    {
        var page = await new WebSession(fixture.Daemon, "unix").GetAsync(path);

        Assert.Contains($"<pre id=\"tail\" class=\"log\">{text}</pre>", page.BodyText);
        Assert.Contains($"<title>Supervisor tail of process {title}</title>", page.BodyText);
        Assert.Equal(path != "/tail.html", page.BodyText.Contains("id=\"refresh\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALimitBelow1024IsRaisedTo1024AndALargerOneKept()
    {
        var session = new WebSession(fixture.Daemon, "tcp");
        Assert.Contains("limit=1024\"", (await session.GetAsync("/tail.html?processname=sleeper&limit=10")).BodyText);
        Assert.Contains("limit=1024\"", (await session.GetAsync("/tail.html?processname=sleeper&limit=abc")).BodyText);
        Assert.Contains("limit=5000\"", (await session.GetAsync("/tail.html?processname=sleeper&limit=5000")).BodyText);
    }
}

/// <summary>Pages of daemons whose state the tests change wholesale, or that have no programs.</summary>
public sealed class WholeDaemonPageTests
{
    [Fact]
    public async Task ADaemonWithoutProgramsSaysSo()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var page = await new WebSession(daemon, "unix").GetAsync("/");

        Assert.Contains("<p class=\"empty\">No programs to manage</p>", page.BodyText);
        Assert.DoesNotContain("<table", page.BodyText);
    }

    [Fact]
    public async Task StopAllAndRestartAllActOnEveryProcess()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:one]
            command = /bin/sleep 1000
            startsecs = 0

            [program:two]
            command = /bin/sleep 1000
            startsecs = 0

            """);
        await daemon.WaitForStateAsync("one", "RUNNING");
        await daemon.WaitForStateAsync("two", "RUNNING");
        var session = new WebSession(daemon, "tcp");
        await session.OpenAsync();

        Assert.Matches("^All stopped at ", WebSession.RedirectMessage(await session.PostAsync("/index.html", [("action", "stopall")])));
        Assert.Equal(["STOPPED", "STOPPED"], [await daemon.StateAsync("one"), await daemon.StateAsync("two")]);

        Assert.Matches("^All restarted at ", WebSession.RedirectMessage(await session.PostAsync("/index.html", [("action", "restartall")])));
        Assert.Equal(["RUNNING", "RUNNING"], [await daemon.StateAsync("one"), await daemon.StateAsync("two")]);
    }

    [Fact]
    public async Task WithCredentialsThePagesAndActionsWork()
    {
        const string config = """
            [unix_http_server]
            file = {sock}
            username = alice
            password = s3cret

            [inet_http_server]
            port = 127.0.0.1:{port}
            username = alice
            password = s3cret

            [supervisord]
            logfile = {dir}/supervisord.log
            pidfile = {dir}/supervisord.pid
            childlogdir = {dir}

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [program:sleeper]
            command = /bin/sleep 1000
            startsecs = 0

            """;
        await using var daemon = await RunningDaemon.StartAsync(config, username: "alice", password: "s3cret");
        foreach (var transport in new[] { "unix", "tcp" })
        {
            Assert.Equal(401, (await new WebSession(daemon, transport).GetAsync("/")).Status);
            Assert.Equal(401, (await new WebSession(daemon, transport).GetAsync("/static/supervisor.css")).Status);
            var session = new WebSession(daemon, transport, "alice:s3cret");
            await session.OpenAsync();
            Assert.Equal("Log for sleeper cleared", WebSession.RedirectMessage(await session.PostAsync("/", [("action", "clearlog"), ("processname", "sleeper")])));
        }
    }

    [Fact]
    public async Task AnOperatorsFolderReplacesATemplateAndAFile()
    {
        await using var daemon = await RunningDaemon.StartAsync(
            RunningDaemon.StandardSections + "\n[supervisord]\nweb_templates = {dir}/web\n",
            dir =>
            {
                dir.Write("web/tail.html", "<p class=\"mine\">{{ process_name }}</p>");
                dir.Write("web/supervisor.css", "body { color: rebeccapurple; }");
            });
        var session = new WebSession(daemon, "unix");

        Assert.Contains("<p class=\"mine\">&lt;x&gt;</p>", (await session.GetAsync("/tail.html?processname=%3Cx%3E")).BodyText);
        Assert.Equal("body { color: rebeccapurple; }", (await session.GetAsync("/static/supervisor.css")).BodyText);
        Assert.Contains("No programs to manage", (await session.GetAsync("/")).BodyText);
    }

    [Fact]
    public async Task AnOperatorsRowTemplateRendersTheRows()
    {
        await using var daemon = await RunningDaemon.StartAsync(
            RunningDaemon.StandardSections + """

                [supervisord]
                web_templates = {dir}/web
                childlogdir = {dir}

                [program:<i>odd<i>]
                command = /bin/sleep 1000
                startsecs = 0
                autostart = false

                """,
            dir => dir.Write("web/row.html", "<tr id=\"process-{{ row.quoted }}\" class=\"mine\"><td>{{ row.name }} is {{ row.state }}</td></tr>\n"));
        var session = new WebSession(daemon, "tcp");

        var page = (await session.GetAsync("/")).BodyText;

        Assert.Contains("<tr id=\"process-%3Ci%3Eodd%3Ci%3E\" class=\"mine\"><td>&lt;i&gt;odd&lt;i&gt; is stopped</td></tr>", page);
        Assert.DoesNotContain("<i>odd", page);
    }
}

/// <summary>An operator's template folder is read when the daemon starts: what does not parse stops the start.</summary>
public sealed class WebTemplateStartupTests
{
    [Fact]
    public async Task ATemplateThatDoesNotParseStopsTheStartWithItsError()
    {
        using var dir = new TempDirectory();
        dir.Write("web/status.html", "<p>{{ if message }</p>");
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections + "\n[supervisord]\nweb_templates = {dir}/web\n", dir.Path, dir.File("s.sock"), FreePort.Next()));

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync("-n", "-c", config);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("web template status.html", stderr);
    }

    [Fact]
    public async Task AFolderThatDoesNotExistIsAConfigError()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(RunningDaemon.StandardSections + "\n[supervisord]\nweb_templates = {dir}/nosuch\n", dir.Path, dir.File("s.sock"), FreePort.Next()));

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync("-n", "-c", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("nosuch is not an existing directory", stderr);
    }
}
