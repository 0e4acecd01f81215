using System.Net;
using System.Text;

namespace Supervisor.Host.Web;

/// <summary>
/// The embedded <c>row.html</c>, written straight to the page's buffer: the same markup the template makes
/// (<c>RowMarkupTests</c> compares them), every value HTML-escaped as <see cref="HtmlTemplateContext"/> escapes it,
/// without a Scriban evaluation per row (that was most of a 200-row page's time). Used only while
/// <c>row.html</c> is the embedded one; an operator's <c>row.html</c> is rendered by Scriban.
/// </summary>
internal static class RowMarkup
{
    /// <summary>Writes <paramref name="row"/> with its links under <paramref name="root"/>.</summary>
    public static void Write(RowModel row, string root, StringBuilder output)
    {
        var name = WebUtility.HtmlEncode(row.Name);
        var quoted = WebUtility.HtmlEncode(row.Quoted);
        var escapedRoot = WebUtility.HtmlEncode(root);
        output.Append("<tr id=\"process-").Append(quoted)
            .Append("\" class=\"").Append(WebUtility.HtmlEncode(row.Shade))
            .Append("\" data-name=\"").Append(name).Append("\">\n<td class=\"state\"><span class=\"")
            .Append(WebUtility.HtmlEncode(row.StateClass)).Append("\">")
            .Append(WebUtility.HtmlEncode(row.State)).Append("</span></td>\n<td class=\"description\">")
            .Append(WebUtility.HtmlEncode(row.Description)).Append("</td>\n<td class=\"name\"><a href=\"")
            .Append(escapedRoot).Append("tail.html?processname=").Append(quoted).Append("\" target=\"_blank\">")
            .Append(name).Append("</a></td>\n<td class=\"action\"><ul>");
        foreach (var action in row.Actions)
        {
            if (action.Hidden)
            {
                output.Append("<li class=\"hidden\"></li>");
                continue;
            }

            output.Append("<li><a href=\"").Append(escapedRoot).Append(WebUtility.HtmlEncode(action.Href));
            if (action.NewWindow)
            {
                output.Append("\" target=\"_blank\">");
            }
            else
            {
                output.Append("\" data-action=\"").Append(WebUtility.HtmlEncode(action.Action))
                    .Append("\" data-process=\"").Append(name).Append("\">");
            }

            output.Append(WebUtility.HtmlEncode(action.Label)).Append("</a></li>");
        }

        output.Append("</ul></td>\n</tr>\n");
    }
}
