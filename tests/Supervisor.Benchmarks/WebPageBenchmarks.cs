using BenchmarkDotNet.Attributes;
using Supervisor.Host.Web;

namespace Supervisor.Benchmarks;

/// <summary>
/// The status page's rendering alone (no HTTP, no RPC), into the reused page buffer: the rows of <see cref="Programs"/> processes, written
/// directly (the embedded row template) or through Scriban (what an operator's own <c>row.html</c> costs), then
/// the whole page with the status body and the layout, as <c>StatusPageEndpoint</c> does for each page.
/// <c>web/run.sh</c> measures the whole page, in the daemon, against the reference.
/// </summary>
[MemoryDiagnoser]
public class WebPageBenchmarks
{
    private List<ProcessView> _rows = [];

    [Params(200)]
    public int Programs { get; set; }

    [GlobalSetup]
    public void Setup() =>
        _rows = [.. Enumerable.Range(0, Programs).Select(i => new ProcessView($"p{i:D4}", $"p{i:D4}", "RUNNING", $"pid {1000 + i}, uptime 1:02:03"))];

    [Benchmark]
    public int Rows()
    {
        var html = PageBuffers.Rent();
        WebAssets.Embedded.RenderRows(_rows, "", html);
        var length = html.Length;
        PageBuffers.Return(html);
        return length;
    }

    [Benchmark]
    public int RowsThroughScriban()
    {
        var html = PageBuffers.Rent();
        WebAssets.Embedded.Row.RenderEach(_rows.Select(StatusPageEndpoint.Row).ToList(), new RowGlobals(""), html);
        var length = html.Length;
        PageBuffers.Return(html);
        return length;
    }

    /// <summary>As <c>StatusPageEndpoint</c> renders a page: rows and body written where the templates put them, into a reused buffer.</summary>
    [Benchmark]
    public int Page()
    {
        var rows = HtmlText.Deferred(output => WebAssets.Embedded.RenderRows(_rows, "", output));
        var model = new StatusModel("", "", null, rows, _rows.Count, _rows.Count, "token");
        var body = HtmlText.Deferred(output => WebAssets.Embedded.Status.RenderTo(model, output));
        var page = PageBuffers.Rent();
        WebAssets.Embedded.Layout.RenderTo(new LayoutModel("Supervisor Status", body, "", "token", "status.js", "supervisor", "4.2.5", []), page);
        var length = page.Length;
        PageBuffers.Return(page);
        return length;
    }
}
