using Microsoft.Playwright;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Web;

/// <summary>
/// The web interface in a real browser (Playwright driving Debian's chromium) on a real daemon with real
/// children: the buttons act, the rows change without a reload (Server-Sent Events), the tail page follows the
/// log. Screenshots are saved under TestResults/web/ for review.
/// </summary>
public sealed class BrowserTests : IAsyncLifetime
{
    private static readonly float Patience = 15_000;

    private const string Programs = """
        [program:alpha]
        command = /bin/sleep 1000
        startsecs = 0

        [program:beta]
        command = /bin/sleep 1000
        startsecs = 0

        [program:talker]
        command = /bin/sh -c "i=0; while true; do i=$((i+1)); printf '\033[32mline %%s\033[0m <b>not bold</b>\n' $i; sleep 0.2; done"
        startsecs = 0

        """;

    private RunningDaemon? _daemon;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private RunningDaemon Daemon => _daemon!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.Executable))
        {
            return;
        }

        _daemon = await SupervisedPrograms.StartAsync(Programs);
        foreach (var name in new[] { "alpha", "beta", "talker" })
        {
            await _daemon.WaitForStateAsync(name, "RUNNING");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.Executable,
            Args = ["--no-sandbox"],
            Headless = true,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }

    [ChromiumFact]
    public async Task ButtonsStopStartAndRestartAndTheRowsChangeWithoutAReload()
    {
        var page = await OpenStatusAsync();

        // Stop: the row turns to stopped and offers Start, on the same page (no navigation happened).
        await page.Locator("#process-alpha a[data-action=stop]").ClickAsync();
        await Expect(page, "#process-alpha td.state span", "stopped");
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Process alpha stopped", new() { Timeout = Patience });
        Assert.Equal("STOPPED", await Daemon.StateAsync("alpha"));
        await Assertions.Expect(page.Locator("#process-alpha a[data-action=start]")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "status-after-stop");

        await page.Locator("#process-alpha a[data-action=start]").ClickAsync();
        await Expect(page, "#process-alpha td.state span", "running");
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Process alpha started", new() { Timeout = Patience });
        Assert.Equal("RUNNING", await Daemon.StateAsync("alpha"));

        var pid = (int)(await Daemon.InfoAsync("beta"))["pid"]!;
        await page.Locator("#process-beta a[data-action=restart]").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Process beta restarted", new() { Timeout = Patience });
        await Expect(page, "#process-beta td.state span", "running");
        Assert.NotEqual(pid, (int)(await Daemon.InfoAsync("beta"))["pid"]!);
        Assert.Equal("yes", await page.Locator("body").GetAttributeAsync("data-live"));
    }

    [ChromiumFact]
    public async Task StopAllAndRestartAllChangeEveryRow()
    {
        var page = await OpenStatusAsync();

        await page.Locator("a[data-action=stopall]").ClickAsync();
        foreach (var name in new[] { "alpha", "beta", "talker" })
        {
            await Expect(page, $"#process-{name} td.state span", "stopped");
        }

        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("All stopped at", new() { Timeout = Patience });
        await ScreenshotAsync(page, "status-after-stop-all");

        await page.Locator("a[data-action=restartall]").ClickAsync();
        foreach (var name in new[] { "alpha", "beta", "talker" })
        {
            await Expect(page, $"#process-{name} td.state span", "running");
        }

        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("All restarted at", new() { Timeout = Patience });
        await ScreenshotAsync(page, "status");
    }

    [ChromiumFact]
    public async Task WithoutJavaScriptALinkAsksAndTheConfirmationActs()
    {
        await using var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Daemon.TcpUrl + "/");

        await page.Locator("#process-beta a[data-action=stop]").ClickAsync();
        await Assertions.Expect(page.Locator("form.confirm p")).ToHaveTextAsync("Stop beta?");
        Assert.Equal("RUNNING", await Daemon.StateAsync("beta"));
        await ScreenshotAsync(page, "confirm-without-javascript");

        await page.Locator("form.confirm button").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Process beta stopped");
        Assert.Equal("STOPPED", await Daemon.StateAsync("beta"));
        await Assertions.Expect(page.Locator("#process-beta td.state span")).ToHaveTextAsync("stopped");
    }

    /// <summary>Waits until the tail shows at least three lines after the last one it shows now (it follows the log).</summary>
    private static async Task WaitForThreeMoreLinesAsync(IPage page)
    {
        var lines = await LastLineNumberAsync(page);
        await page.WaitForFunctionAsync(
            "n => { const m = [...document.getElementById('tail').textContent.matchAll(/line (\\d+)/g)]; return m.length > 0 && +m[m.length - 1][1] >= n + 3; }",
            lines,
            new() { Timeout = Patience });
    }

    [ChromiumFact]
    public async Task TheTailPageFollowsTheLogWithItsColours()
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(Daemon.TcpUrl + "/tail.html?processname=talker");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-following", "yes", new() { Timeout = Patience });

        await WaitForThreeMoreLinesAsync(page);
        Assert.True(await page.Locator("#tail span.ansi-fg2").CountAsync() > 0);
        Assert.Equal(0, await page.Locator("#tail b").CountAsync());
        Assert.DoesNotContain("\u001b", await page.Locator("#tail").TextContentAsync());
        await ScreenshotAsync(page, "tail");
    }

    [ChromiumFact]
    public async Task TheTailPageFollowsAtALargerLimitKeepingAllItShows()
    {
        // A log longer than the default 1024 bytes (each line is about 40), so the larger limit shows more.
        var session = new WebSession(Daemon, "tcp");
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(Patience * 2);
        while (LineNumbers((await session.GetAsync("/tail.html?processname=talker&limit=4096")).BodyText).Count < 60 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(Daemon.TcpUrl + "/tail.html?processname=talker&limit=4096");
        var first = LineNumbers(await page.Locator("#tail").TextContentAsync() ?? "")[0];
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-following", "yes", new() { Timeout = Patience });

        await WaitForThreeMoreLinesAsync(page);

        // The stream started with the page's 4096 bytes (about 100 lines), not the default 1024 (about 25): the
        // top stays about where the page had it, and far more than 1024 bytes' worth are shown.
        var shown = LineNumbers(await page.Locator("#tail").TextContentAsync() ?? "");
        Assert.True(shown.Count >= 60, $"{shown.Count} lines shown");
        Assert.True(shown[0] <= first + 20, $"the first line shown is {shown[0]}, the page had {first}");
        Assert.True(await page.Locator("#tail span.ansi-fg2").CountAsync() > 0);
    }

    private async Task<IPage> OpenStatusAsync()
    {
        var page = await _browser!.NewPageAsync();
        await page.SetViewportSizeAsync(1100, 480);
        await page.GotoAsync(Daemon.TcpUrl + "/");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "yes");

        // A reload would lose this mark: the rows must change on the page that was loaded.
        await page.EvaluateAsync("window.notReloaded = true");
        return page;
    }

    private static async Task Expect(IPage page, string selector, string text)
    {
        await Assertions.Expect(page.Locator(selector)).ToHaveTextAsync(text, new() { Timeout = Patience });
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
    }

    private static async Task<int> LastLineNumberAsync(IPage page) =>
        await page.EvaluateAsync<int>("() => { const m = [...document.getElementById('tail').textContent.matchAll(/line (\\d+)/g)]; return m.length ? +m[m.length - 1][1] : 0; }");

    private static List<int> LineNumbers(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"line (\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "TestResults", "web");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
