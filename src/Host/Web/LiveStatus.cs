using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Supervisor.Host.Http;

namespace Supervisor.Host.Web;

/// <summary>
/// <c>GET /events</c>: the status page's live updates as Server-Sent Events. The stream subscribes to the event
/// bus (no polling of the daemon): on each <c>PROCESS_STATE</c> event it sends the process's row, rendered by the
/// same row template as the page (<c>event: row</c>, JSON <c>{"id", "html"}</c>); when a group is added or
/// removed it sends <c>event: reload</c>. One stream per open page; it ends when the page goes away or the server
/// stops (the response is completed, so the browser sees a clean end, not a broken connection).
/// </summary>
internal sealed class LiveStatusEndpoint(WebInterface web, CancellationToken stopping) : IHttpEndpoint
{
    public const string Path = "/events";

    /// <summary>Marks a change of the set of groups (not one process) in the stream's queue.</summary>
    private const string Reload = "";

    public async Task HandleAsync(HttpContext context)
    {
        if (web.Events is not { } events)
        {
            await ErrorPages.WriteAsync(context, 404);
            return;
        }

        var changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        using var states = events.Subscribe("PROCESS_STATE", e => changes.Writer.TryWrite(Namespec(e.Payload)));
        using var groups = events.Subscribe("PROCESS_GROUP", _ => changes.Writer.TryWrite(Reload));
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = done.Token;

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        WebResponses.AddSecurityHeaders(response);
        try
        {
            await response.StartAsync(token);
            await WriteAsync(response, "retry: 3000\n\n", token);
            var pending = new HashSet<string>(StringComparer.Ordinal);
            while (await changes.Reader.WaitToReadAsync(token))
            {
                // Everything that changed since the last pass, each process once.
                pending.Clear();
                while (changes.Reader.TryRead(out var name))
                {
                    pending.Add(name);
                }

                var text = new StringBuilder();
                foreach (var name in pending)
                {
                    text.Append(name == Reload ? "event: reload\ndata: groups\n\n" : await RowEventAsync(name, token));
                }

                await WriteAsync(response, text.ToString(), token);
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away, or the server is stopping: the response ends here.
        }
        catch (IOException)
        {
            // The connection broke.
        }
    }

    private async Task<string> RowEventAsync(string namespec, CancellationToken token)
    {
        if (await web.Rpc.ProcessAsync(namespec, token) is not { } process)
        {
            return "event: reload\ndata: " + "process\n\n";
        }

        var json = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("id", Uri.EscapeDataString(process.Namespec));
            writer.WriteString("html", web.RowHtml(process));
            writer.WriteEndObject();
        }

        return "event: row\ndata: " + Encoding.UTF8.GetString(json.WrittenSpan) + "\n\n";
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken token)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), token);
        await response.Body.FlushAsync(token);
    }

    /// <summary>The <c>groupname:processname</c> of a <c>PROCESS_STATE</c> payload (<c>processname:x groupname:g from_state:…</c>).</summary>
    internal static string Namespec(string payload)
    {
        string process = "", group = "";
        foreach (var token in payload.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith("processname:", StringComparison.Ordinal))
            {
                process = token["processname:".Length..];
            }
            else if (token.StartsWith("groupname:", StringComparison.Ordinal))
            {
                group = token["groupname:".Length..];
            }
        }

        return group == process ? process : group + ":" + process;
    }
}
