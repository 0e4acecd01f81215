using System.Net;
using System.Text;

namespace Supervisor.Host.Web;

/// <summary>
/// The embedded <c>row.html</c>, written straight to the page's buffer from the process: the markup the template
/// makes from <see cref="StatusPageEndpoint.Row"/>'s model (<c>RowMarkupTests</c> compares them), every value
/// HTML-escaped as <see cref="HtmlTemplateContext"/> escapes it, without a Scriban evaluation or a model per row
/// (they were most of a 200-row page's time). Used only while <c>row.html</c> is the embedded one; an operator's
/// <c>row.html</c> is rendered by Scriban.
/// </summary>
internal static class RowMarkup
{
    /// <summary>Writes the row of <paramref name="process"/>, the <paramref name="index"/>th of the table, with its links under <paramref name="root"/>.</summary>
    public static void Write(ProcessView process, int index, string root, StringBuilder output)
    {
        var namespec = process.Namespec;
        var name = WebUtility.HtmlEncode(namespec);
        var quoted = WebUtility.HtmlEncode(Uri.EscapeDataString(namespec));
        var state = process.StateName;
        root = WebUtility.HtmlEncode(root);
        output.Append("<tr id=\"process-").Append(quoted)
            .Append(index % 2 == 0 ? "\" class=\"\" data-name=\"" : "\" class=\"shade\" data-name=\"").Append(name)
            .Append("\">\n<td class=\"state\"><span class=\"").Append(StatusPageEndpoint.StateClass(state)).Append("\">")
            .Append(WebUtility.HtmlEncode(StatusPageEndpoint.LowerCase(state))).Append("</span></td>\n<td class=\"description\">")
            .Append(WebUtility.HtmlEncode(process.Description)).Append("</td>\n<td class=\"name\"><a href=\"")
            .Append(root).Append("tail.html?processname=").Append(quoted).Append("\" target=\"_blank\">")
            .Append(name).Append("</a></td>\n<td class=\"action\"><ul>");

        // The slots of StatusPageEndpoint.Row, in its order.
        switch (state)
        {
            case "RUNNING":
                Action(output, root, quoted, name, "Restart", "restart");
                Action(output, root, quoted, name, "Stop", "stop");
                break;
            case "STOPPED" or "EXITED" or "FATAL":
                Action(output, root, quoted, name, "Start", "start");
                output.Append("<li class=\"hidden\"></li>");
                break;
            default:
                output.Append("<li class=\"hidden\"></li><li class=\"hidden\"></li>");
                break;
        }

        Action(output, root, quoted, name, "Clear Log", "clearlog");
        output.Append("<li><a href=\"").Append(root).Append("logtail/").Append(quoted).Append("\" target=\"_blank\">Tail -f Stdout</a></li>")
            .Append("<li><a href=\"").Append(root).Append("logtail/").Append(quoted).Append("/stderr\" target=\"_blank\">Tail -f Stderr</a></li>")
            .Append("</ul></td>\n</tr>\n");
    }

    /// <summary>An action posted by the page's script (a link to the confirmation without it); the label and action are plain words.</summary>
    private static void Action(StringBuilder output, string root, string quoted, string name, string label, string action) =>
        output.Append("<li><a href=\"").Append(root).Append("index.html?processname=").Append(quoted).Append("&amp;action=").Append(action)
            .Append("\" data-action=\"").Append(action).Append("\" data-process=\"").Append(name).Append("\">").Append(label).Append("</a></li>");
}
