using System.Net;
using System.Text;

namespace Supervisor.Host.Web;

/// <summary>
/// Log text as HTML: escaped, with the colours and bold of ANSI SGR sequences (<c>ESC[31m</c>, <c>ESC[1;92m</c>,
/// <c>ESC[0m</c>) as <c>&lt;span class="ansi-…"&gt;</c> (classes, not inline styles, which the page's CSP forbids)
/// and every other escape sequence dropped.
/// </summary>
internal static class AnsiHtml
{
    public static string Convert(string text)
    {
        var html = new StringBuilder(text.Length + 64);
        int? foreground = null, background = null;
        var bold = false;
        var open = false;
        var i = 0;
        while (i < text.Length)
        {
            var escape = text.IndexOf('\u001b', i);
            var end = escape < 0 ? text.Length : escape;
            if (end > i)
            {
                html.Append(WebUtility.HtmlEncode(text[i..end]));
            }

            if (escape < 0)
            {
                break;
            }

            // CSI: ESC [ parameters final-byte; anything else after ESC is dropped with it.
            i = escape + 1;
            if (i < text.Length && text[i] == '[')
            {
                var start = ++i;
                while (i < text.Length && text[i] is >= '0' and <= '?' or ';')
                {
                    i++;
                }

                while (i < text.Length && text[i] is >= ' ' and <= '/')
                {
                    i++;
                }

                if (i >= text.Length)
                {
                    break;
                }

                var final = text[i++];
                if (final != 'm')
                {
                    continue;
                }

                foreach (var part in text[start..(i - 1)].Split(';'))
                {
                    var code = part.Length == 0 ? 0 : int.TryParse(part, out var n) ? n : -1;
                    switch (code)
                    {
                        case 0: foreground = background = null; bold = false; break;
                        case 1: bold = true; break;
                        case 22: bold = false; break;
                        case >= 30 and <= 37: foreground = code - 30; break;
                        case 39: foreground = null; break;
                        case >= 40 and <= 47: background = code - 40; break;
                        case 49: background = null; break;
                        case >= 90 and <= 97: foreground = code - 90 + 8; break;
                        case >= 100 and <= 107: background = code - 100 + 8; break;
                    }
                }

                if (open)
                {
                    html.Append("</span>");
                    open = false;
                }

                if (foreground is not null || background is not null || bold)
                {
                    html.Append("<span class=\"");
                    var classes = new List<string>(3);
                    if (foreground is { } fg)
                    {
                        classes.Add("ansi-fg" + fg);
                    }

                    if (background is { } bg)
                    {
                        classes.Add("ansi-bg" + bg);
                    }

                    if (bold)
                    {
                        classes.Add("ansi-bold");
                    }

                    html.Append(string.Join(' ', classes)).Append("\">");
                    open = true;
                }
            }
            else if (i < text.Length)
            {
                i++;
            }
        }

        if (open)
        {
            html.Append("</span>");
        }

        return html.ToString();
    }
}
