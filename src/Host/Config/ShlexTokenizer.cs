using System.Text;

namespace Supervisor.Host.Config;

/// <summary>
/// Python's <c>shlex.shlex(text)</c> in non-POSIX mode with <c>/.+-():</c> added to the word
/// characters, as the reference's <c>environment=</c> parser uses it (<c>supervisor/datatypes.py</c>, <c>dict_of_key_value_pairs</c>).
/// </summary>
internal static class ShlexTokenizer
{
    private const string WordChars = "abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/.+-():";
    private const string Whitespace = " \t\r\n";
    private const char Commenter = '#';

    /// <summary>The tokens of <paramref name="text"/>; on an unclosed quote, <paramref name="error"/> is <c>No closing quotation</c>.</summary>
    public static List<string> Tokenize(string text, out string? error)
    {
        error = null;
        var tokens = new List<string>();
        var position = 0;
        char? pushback = null;
        while (true)
        {
            if (pushback is char pushed)
            {
                // shlex hands a pushed-back punctuation character out as a token of its own.
                tokens.Add(pushed.ToString());
                pushback = null;
                continue;
            }

            var token = ReadToken(text, ref position, ref pushback, out error);
            if (error is not null)
            {
                return tokens;
            }

            if (token.Length == 0)
            {
                return tokens;
            }

            tokens.Add(token);
        }
    }

    private static string ReadToken(string text, ref int position, ref char? pushback, out string? error)
    {
        error = null;
        var token = new StringBuilder();
        var state = ' ';
        while (true)
        {
            var atEnd = position >= text.Length;
            var next = atEnd ? '\0' : text[position++];
            if (state == ' ')
            {
                if (atEnd)
                {
                    return token.ToString();
                }

                if (Whitespace.Contains(next))
                {
                    if (token.Length > 0)
                    {
                        return token.ToString();
                    }

                    continue;
                }

                if (next == Commenter)
                {
                    SkipLine(text, ref position);
                }
                else if (WordChars.Contains(next))
                {
                    token.Append(next);
                    state = 'a';
                }
                else if (next is '\'' or '"')
                {
                    token.Append(next);
                    state = next;
                }
                else
                {
                    return next.ToString();
                }
            }
            else if (state is '\'' or '"')
            {
                if (atEnd)
                {
                    error = "No closing quotation";
                    return string.Empty;
                }

                token.Append(next);
                if (next == state)
                {
                    return token.ToString();
                }
            }
            else
            {
                if (atEnd)
                {
                    return token.ToString();
                }

                if (Whitespace.Contains(next))
                {
                    return token.ToString();
                }

                if (next == Commenter)
                {
                    // Non-POSIX shlex drops the rest of the line but keeps building the same word.
                    SkipLine(text, ref position);
                }
                else if (WordChars.Contains(next) || next is '\'' or '"')
                {
                    token.Append(next);
                }
                else
                {
                    pushback = next;
                    return token.ToString();
                }
            }
        }
    }

    private static void SkipLine(string text, ref int position)
    {
        var newline = text.IndexOf('\n', position);
        position = newline < 0 ? text.Length : newline + 1;
    }
}
