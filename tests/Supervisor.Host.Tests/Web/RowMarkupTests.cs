using System.Text;
using Supervisor.Host.Web;

namespace Supervisor.Host.Tests.Web;

/// <summary>
/// The status table's rows are written directly (<see cref="RowMarkup"/>) while <c>row.html</c> is the embedded
/// one: the markup must be the template's own, escaping included, for every state a row can show.
/// </summary>
public sealed class RowMarkupTests
{
    public static TheoryData<string, string, string, string> Processes() => new()
    {
        { "sleeper", "sleeper", "RUNNING", "pid 1234, uptime 0:01:02" },
        { "grp", "a", "STOPPED", "Not started" },
        { "<b>evil<b>", "<b>evil<b>", "FATAL", "Exited too quickly (process log may have details) <script>alert(\"x\")</script> & 'q'" },
        { "g&\"roup\"", "n'ame>", "BACKOFF", "café \u00a0 \U0001F600 \u0001" },
        { "x", "x", "STARTING", "" },
        { "x", "y", "STOPPING", "" },
        { "x", "z", "EXITED", "Dec 07 03:04 PM" },
        { "x", "w", "UNKNOWN", "" },
        { "x", "v", "SOMETHING_NEW", "" },
        { "x", "<", "RUNNING", "<" },
    };

    [Theory]
    [MemberData(nameof(Processes))]
    public void ADirectlyWrittenRowIsTheEmbeddedTemplatesRow(string group, string name, string state, string description)
    {
        ProcessView[] processes = [new(group, name, state, description), new(group, name, state, description)];
        var fromTemplate = new StringBuilder();
        WebAssets.Embedded.Row.RenderEach([StatusPageEndpoint.Row(processes[0], 0), StatusPageEndpoint.Row(processes[1], 1)], new RowGlobals("../"), fromTemplate);
        var written = new StringBuilder();

        WebAssets.Embedded.RenderRows(processes, "../", written);

        Assert.False(WebAssets.Embedded.RowOverridden);
        Assert.Equal(fromTemplate.ToString(), written.ToString());
        Assert.DoesNotContain("<b>evil", written.ToString());
        Assert.DoesNotContain("<script>", written.ToString());
    }
}
