using System.Globalization;
using Supervisor.Abstractions;
using Supervisor.Host.Http;

namespace Supervisor.Host.Web;

/// <summary>What the tail template is given.</summary>
internal sealed record TailModel(string? ProcessName, string Quoted, int Limit, HtmlText Log, bool Follow);

/// <summary>
/// <c>/tail.html?processname=&lt;ns&gt;&amp;limit=&lt;n&gt;</c>: the end of a process's stdout log
/// (<c>supervisor/web.py</c>, <c>TailView.render</c>: at least 1024 bytes), its ANSI colours shown, and with
/// JavaScript the page follows <c>/logtail/&lt;ns&gt;</c> as <c>tail -f</c> does.
/// </summary>
internal sealed class TailPageEndpoint(WebInterface web) : IHttpEndpoint
{
    public async Task HandleAsync(HttpContext context)
    {
        var form = await WebForm.ReadAsync(context);
        if (form is null)
        {
            await ErrorPages.WriteAsync(context, 413);
            return;
        }

        string text;
        var follow = false;
        var hasName = form.TryGetValue("processname", out var name);
        var limit = form.TryGetValue("limit", out var limitText) && limitText.Length > 0 && limitText.All(char.IsAsciiDigit)
            && int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? Math.Max(asked, 1024) : 1024;
        if (!hasName || string.IsNullOrEmpty(name))
        {
            text = "No process name found";
        }
        else
        {
            var outcome = await web.Rpc.CallAsync("supervisor.readProcessStdoutLog", [name, -limit, 0], context.RequestAborted);
            text = !outcome.IsFault ? WebRpc.Unfrozen(outcome.Value) as string ?? ""
                : outcome.FaultCode == (int)FaultCode.NoFile ? "No file for " + name
                : $"ERROR: unexpected rpc fault [{outcome.FaultCode}] {outcome.FaultString}";
            follow = !outcome.IsFault;
        }

        var model = new TailModel(hasName ? name : null, Uri.EscapeDataString(name ?? ""), limit, new HtmlText(AnsiHtml.Convert(text)), follow);
        var body = web.Assets.Tail.Render(model);
        var title = "Supervisor tail of process " + (hasName ? name : "None");
        await WebResponses.HtmlAsync(context, 200, web.Page(context, title, body, script: "tail.js"));
    }
}
