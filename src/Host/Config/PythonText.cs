using System.Globalization;
using System.Text;

namespace Supervisor.Host.Config;

/// <summary>
/// Python's textual conventions that the reference's error messages are made of: <c>repr()</c>
/// of a string, <c>os.path.dirname</c>, ordinal sorting of names.
/// </summary>
internal static class PythonText
{
    /// <summary>Python 3 <c>repr(str)</c>: single quotes unless the text holds a single quote and no double quote.</summary>
    public static string Repr(string value)
    {
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        var builder = new StringBuilder(value.Length + 2);
        builder.Append(quote);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == quote || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\t')
            {
                builder.Append("\\t");
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c == '\r')
            {
                builder.Append("\\r");
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                var codePoint = char.ConvertToUtf32(c, value[i + 1]);
                var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
                if (IsPrintable(category, codePoint))
                {
                    builder.Append(c).Append(value[i + 1]);
                }
                else
                {
                    builder.Append("\\U").Append(codePoint.ToString("x8", CultureInfo.InvariantCulture));
                }

                i++;
            }
            else if (IsPrintable(CharUnicodeInfo.GetUnicodeCategory(c), c))
            {
                builder.Append(c);
            }
            else if (c < 0x100)
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        builder.Append(quote);
        return builder.ToString();
    }

    /// <summary>Python's <c>os.path.dirname</c> for POSIX paths (text before the last slash, trailing slashes removed unless all slashes).</summary>
    public static string Dirname(string path)
    {
        var index = path.LastIndexOf('/') + 1;
        var head = path[..index];
        if (head.Length > 0 && head.Trim('/').Length > 0)
        {
            head = head.TrimEnd('/');
        }

        return head;
    }

    /// <summary>Python's <c>os.path.join</c> for two POSIX parts: an absolute second part replaces the first.</summary>
    public static string Join(string first, string second)
    {
        if (second.StartsWith('/') || first.Length == 0)
        {
            return second;
        }

        return first.EndsWith('/') ? first + second : first + "/" + second;
    }

    /// <summary>Python's <c>sorted()</c> of strings: by code point.</summary>
    public static List<string> Sorted(IEnumerable<string> values)
    {
        var list = values.ToList();
        list.Sort(string.CompareOrdinal);
        return list;
    }

    /// <summary>Python's <c>posixpath.normpath</c>: collapses <c>.</c>, <c>..</c> and repeated or trailing slashes, textually.</summary>
    public static string NormPath(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var initialSlashes = path.StartsWith('/') ? 1 : 0;
        if (initialSlashes == 1 && path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("///", StringComparison.Ordinal))
        {
            initialSlashes = 2;
        }

        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part != ".." || (initialSlashes == 0 && parts.Count == 0) || (parts.Count > 0 && parts[^1] == ".."))
            {
                parts.Add(part);
            }
            else if (parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
            }
        }

        var result = new string('/', initialSlashes) + string.Join('/', parts);
        return result.Length == 0 ? "." : result;
    }

    /// <summary>Python's <c>os.path.abspath</c> against <paramref name="workingDirectory"/>.</summary>
    public static string AbsPath(string path, string workingDirectory) =>
        NormPath(path.StartsWith('/') ? path : Join(workingDirectory, path));

    private static bool IsPrintable(UnicodeCategory category, int codePoint)
    {
        if (codePoint == ' ')
        {
            return true;
        }

        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }
}
