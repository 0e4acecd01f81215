using System.Text;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>
/// Python's <c>shlex.split(command)</c>: POSIX mode, whitespace-split, no comments. Quotes are removed,
/// a backslash escapes the next character (inside double quotes only a quote or a backslash), nothing
/// is expanded. Errors carry shlex's texts: <c>No closing quotation</c>, <c>No escaped character</c>.
/// </summary>
internal static class ShellWords
{
    private const string Whitespace = " \t\r\n";

    public static List<string> Split(string text, out string? error)
    {
        error = null;
        var words = new List<string>();
        var token = new StringBuilder();
        var quoted = false;
        var state = ' ';
        var escapedState = 'a';
        var position = 0;
        while (true)
        {
            var atEnd = position >= text.Length;
            var next = atEnd ? '\0' : text[position++];
            switch (state)
            {
                case ' ':
                case 'a':
                    if (atEnd)
                    {
                        if (token.Length > 0 || quoted)
                        {
                            words.Add(token.ToString());
                        }

                        return words;
                    }

                    if (Whitespace.Contains(next))
                    {
                        if (token.Length > 0 || quoted)
                        {
                            words.Add(token.ToString());
                            token.Clear();
                            quoted = false;
                        }

                        state = ' ';
                    }
                    else if (next == '\\')
                    {
                        escapedState = 'a';
                        state = '\\';
                    }
                    else if (next is '\'' or '"')
                    {
                        state = next;
                    }
                    else
                    {
                        token.Append(next);
                        state = 'a';
                    }

                    break;
                case '\'':
                case '"':
                    quoted = true;
                    if (atEnd)
                    {
                        error = "No closing quotation";
                        return words;
                    }

                    if (next == state)
                    {
                        state = 'a';
                    }
                    else if (next == '\\' && state == '"')
                    {
                        escapedState = state;
                        state = '\\';
                    }
                    else
                    {
                        token.Append(next);
                    }

                    break;
                default:
                    if (atEnd)
                    {
                        error = "No escaped character";
                        return words;
                    }

                    // In POSIX shells only the quote itself or the escape character may be escaped within quotes.
                    if (escapedState == '"' && next != '\\' && next != '"')
                    {
                        token.Append('\\');
                    }

                    token.Append(next);
                    state = escapedState;
                    break;
            }
        }
    }
}
