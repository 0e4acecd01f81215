using Supervisor.Host.Http;

namespace Supervisor.Host.Web;

/// <summary>One of the five action slots of a row (a hidden slot keeps the columns aligned).</summary>
internal sealed record ActionModel(string Label, string Action, string Href, bool Hidden, bool NewWindow);

/// <summary>One row of the status table.</summary>
internal sealed record RowModel(string Name, string Quoted, string State, string StateClass, string Description, string Shade, IReadOnlyList<ActionModel> Actions);

/// <summary>The confirmation a GET with <c>action=</c> shows: what would happen, and the button that does it.</summary>
internal sealed record ConfirmModel(string Question, string Action, string? ProcessName, string Button);

/// <summary>What the status template is given.</summary>
internal sealed record StatusModel(string Message, string Filter, ConfirmModel? Confirm, HtmlText Rows, int Total, int Shown, string Token);

/// <summary>
/// <c>/</c> and <c>/index.html</c>: the status table (<c>supervisor/web.py</c>, <c>StatusView.render</c>), the
/// message of the last action, and the actions. An action changes something only when POSTed with the session's
/// token; a GET with <c>action=</c> shows a confirmation instead (refresh, which changes nothing, runs on a GET).
/// </summary>
internal sealed class StatusPageEndpoint(WebInterface web) : IHttpEndpoint
{
    /// <summary>More rows than this are not sent at once: the filter box narrows them (5,000 rows would be megabytes).</summary>
    public const int MaxRows = 500;

    public async Task HandleAsync(HttpContext context)
    {
        var form = await WebForm.ReadAsync(context);
        if (form is null)
        {
            await ErrorPages.WriteAsync(context, 413);
            return;
        }

        form.TryGetValue("message", out var message);
        if (!form.TryGetValue("action", out var actionText) || actionText.Length == 0)
        {
            await RenderAsync(context, 200, form, message, confirm: null);
            return;
        }

        if (!WebActions.TryParse(actionText, out var action))
        {
            await RenderAsync(context, 400, form, $"ERROR: unknown action {actionText}", confirm: null);
            return;
        }

        form.TryGetValue("processname", out var namespec);
        if (WebActions.IsPerProcess(action) && namespec is null)
        {
            await RenderAsync(context, 400, form, $"ERROR: {actionText} needs a processname", confirm: null);
            return;
        }

        var fromScript = context.Request.Headers.ContainsKey(AntiForgery.HeaderName);
        if (!WebActions.IsSafe(action))
        {
            var token = fromScript ? context.Request.Headers[AntiForgery.HeaderName].ToString() : form.GetValueOrDefault(AntiForgery.FieldName);
            var confirmed = HttpMethods.IsPost(context.Request.Method) && AntiForgery.IsValid(context, token);
            if (!confirmed)
            {
                // A GET asks; a POST without this session's token (a stale page, another site's form) is refused.
                var confirm = new ConfirmModel(WebActions.Question(action, namespec), WebActions.Name(action), WebActions.IsPerProcess(action) ? namespec : null, WebActions.Button(action));
                var refused = HttpMethods.IsPost(context.Request.Method);
                await RenderAsync(context, refused ? 403 : 200, form, refused ? "Nothing was done: the form did not carry this session's token. Confirm to go ahead." : message, confirm);
                return;
            }
        }

        var result = await web.Actions.RunAsync(action, namespec, context.RequestAborted);
        if (fromScript)
        {
            await WebResponses.TextAsync(context, 200, result);
            return;
        }

        await WebResponses.SeeOtherAsync(context, "index.html?message=" + Uri.EscapeDataString(result));
    }

    private async Task RenderAsync(HttpContext context, int status, Dictionary<string, string> form, string? message, ConfirmModel? confirm)
    {
        var (processes, fault) = await web.Rpc.AllProcessesAsync(context.RequestAborted);
        var filter = form.GetValueOrDefault("filter") ?? "";
        var token = AntiForgery.TokenFor(context);
        var matching = filter.Length == 0 ? processes : processes.Where(p => p.Namespec.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        var shown = matching.Count > MaxRows ? matching.Take(MaxRows).ToList() : matching;

        // The rows are written where the status template puts them, and the body where the layout puts it, all
        // into one reused buffer that is encoded straight into the response.
        var rows = HtmlText.Deferred(output => web.Assets.RenderRows(shown, "", output));
        var model = new StatusModel(fault is null ? message ?? "" : "ERROR: " + fault, filter, confirm, rows, processes.Count, shown.Count, token);
        var page = PageBuffers.Rent();
        try
        {
            web.WritePage(context, "Supervisor Status", HtmlText.Deferred(output => web.Assets.Status.RenderTo(model, output)), page, script: "status.js");
            WebResponses.WriteHtml(context, status, page);
        }
        finally
        {
            PageBuffers.Return(page);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>A row: its state's class and the actions it allows (<c>StatusView.actions_for_process</c>).</summary>
    public static RowModel Row(ProcessView process, int index)
    {
        var name = process.Namespec;
        var quoted = Uri.EscapeDataString(name);
        var state = process.StateName;
        var hidden = new ActionModel("", "", "#", Hidden: true, NewWindow: false);
        ActionModel Act(string label, string action) => new(label, action, $"index.html?processname={quoted}&action={action}", Hidden: false, NewWindow: false);
        ActionModel[] actions =
        [
            state == "RUNNING" ? Act("Restart", "restart") : state is "STOPPED" or "EXITED" or "FATAL" ? Act("Start", "start") : hidden,
            state == "RUNNING" ? Act("Stop", "stop") : hidden,
            Act("Clear Log", "clearlog"),
            new("Tail -f Stdout", "", $"logtail/{quoted}", Hidden: false, NewWindow: true),
            new("Tail -f Stderr", "", $"logtail/{quoted}/stderr", Hidden: false, NewWindow: true),
        ];
        return new RowModel(name, quoted, LowerCase(state), StateClass(state), process.Description, index % 2 == 0 ? "" : "shade", actions);
    }

    /// <summary>The class of a state's text (<c>StatusView.css_class_for_state</c>).</summary>
    public static string StateClass(string state) => state switch
    {
        "RUNNING" => "statusrunning",
        "FATAL" or "BACKOFF" => "statuserror",
        _ => "statusnominal",
    };

    /// <summary>The state as the page shows it, in lower case (the known names without a new string each).</summary>
    public static string LowerCase(string state) => state switch
    {
        "STOPPED" => "stopped",
        "STARTING" => "starting",
        "RUNNING" => "running",
        "BACKOFF" => "backoff",
        "STOPPING" => "stopping",
        "EXITED" => "exited",
        "FATAL" => "fatal",
        "UNKNOWN" => "unknown",
        _ => state.ToLowerInvariant(),
    };
}
