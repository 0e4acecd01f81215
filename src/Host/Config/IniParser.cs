using System.Globalization;
using System.Text;
using Supervisor.Abstractions;

namespace Supervisor.Host.Config;

/// <summary>
/// Reads INI text into an <see cref="IniDocument"/> with the rules of Python's
/// <c>RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)</c>, which the
/// reference uses (<c>supervisor/options.py</c>, <c>UnhosedConfigParser</c>, over Python's <c>configparser.RawConfigParser</c>).
/// </summary>
internal static class IniParser
{
    private static readonly string[] CommentPrefixes = ["#", ";"];

    /// <summary>The inline comment prefixes (<c>inline_comment_prefixes</c> of the reference's parser).</summary>
    private const string InlineCommentPrefixes = ";#";

    private const int NotFound = -2;

    /// <summary>
    /// Parses <paramref name="text"/> (the content of <paramref name="fileName"/>, named as the
    /// reference names it in messages) into <paramref name="document"/>.
    /// Returns null, or the reference's error text: <c>Source contains parsing errors: ...</c>
    /// listing every bad line, or <c>File contains no section headers. ...</c>.
    /// </summary>
    public static string? Parse(string text, string fileName, IniDocument document)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var pending = new List<(OrderedDictionary<string, string> Target, string Key, List<string> Parts)>();
        OrderedDictionary<string, string>? current = null;
        List<string>? currentValue = null;
        string? optionName = null;
        var indentLevel = 0;
        StringBuilder? errors = null;

        // Lines as Python's text mode yields them: universal newlines, each keeping its \n. Spans of the text,
        // so a line makes no string unless it holds a name or a value (a config of thousands of programs).
        var lineNumber = 0;
        for (var lineStart = 0; lineStart < normalized.Length;)
        {
            lineNumber++;
            var lineEnd = normalized.IndexOf('\n', lineStart);
            lineEnd = lineEnd < 0 ? normalized.Length : lineEnd + 1;
            var line = normalized.AsSpan(lineStart, lineEnd - lineStart);
            lineStart = lineEnd;
            var commentStart = FindCommentStart(line);
            var value = (commentStart is int start ? line[..start] : line).Trim();
            if (value.Length == 0)
            {
                if (commentStart is null && current is not null && optionName is not null && currentValue is not null)
                {
                    currentValue.Add(string.Empty);
                }

                continue;
            }

            var indent = IndentOf(line);
            if (current is not null && optionName is not null && indent > indentLevel)
            {
                currentValue!.Add(value.ToString());
                continue;
            }

            indentLevel = indent;
            if (TryParseSectionHeader(value, out var sectionName))
            {
                current = sectionName == IniDocument.DefaultSectionName
                    ? document.Defaults
                    : document.GetOrAdd(sectionName, fileName).Values;
                optionName = null;
                currentValue = null;
                continue;
            }

            if (current is null)
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"File contains no section headers.\nfile: {PythonText.Repr(fileName)}, line: {lineNumber}\n{PythonText.Repr(line.ToString())}");
            }

            var delimiter = value.IndexOfAny(['=', ':']);
            if (delimiter < 0)
            {
                errors = AppendError(errors, fileName, lineNumber, line);
                continue;
            }

            var key = value[..delimiter].TrimEnd();
            if (key.Length == 0)
            {
                errors = AppendError(errors, fileName, lineNumber, line);
            }

            optionName = LowerInvariant(key);
            currentValue = [value[(delimiter + 1)..].Trim().ToString()];
            if (!current.ContainsKey(optionName))
            {
                current[optionName] = string.Empty;
            }

            pending.Add((current, optionName, currentValue));
        }

        // Joined at the end, as Python does: a later assignment of the same key replaces the earlier one.
        foreach (var (target, key, parts) in pending)
        {
            target[key] = string.Join('\n', parts).TrimEnd();
        }

        return errors?.ToString();
    }

    private static StringBuilder AppendError(StringBuilder? errors, string fileName, int lineNumber, ReadOnlySpan<char> line)
    {
        errors ??= new StringBuilder("Source contains parsing errors: ").Append(PythonText.Repr(fileName));
        errors.Append(CultureInfo.InvariantCulture, $"\n\t[line {lineNumber,2}]: {PythonText.Repr(line.ToString())}");
        return errors;
    }

    private static string LowerInvariant(ReadOnlySpan<char> text)
    {
        Span<char> lowered = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        text.ToLowerInvariant(lowered);
        return new string(lowered);
    }

    /// <summary>A header is <c>[</c>, at least one character, and the last <c>]</c>; text after it is ignored.</summary>
    private static bool TryParseSectionHeader(ReadOnlySpan<char> value, out string name)
    {
        name = string.Empty;
        if (!value.StartsWith('['))
        {
            return false;
        }

        var close = value.LastIndexOf(']');
        if (close < 2)
        {
            return false;
        }

        name = value[1..close].ToString();
        return true;
    }

    /// <summary>
    /// Where a comment starts, reproducing Python's search: a full-line comment, or the first
    /// round of <c>;</c>/<c>#</c> occurrences in which one is at the line start or after whitespace.
    /// </summary>
    private static int? FindCommentStart(ReadOnlySpan<char> line)
    {
        var trimmed = line.Trim();
        foreach (var prefix in CommentPrefixes)
        {
            if (trimmed.StartsWith(prefix, StringComparison.Ordinal))
            {
                return 0;
            }
        }

        // Python keeps a dictionary of the prefixes still found and their last index; two slots do the
        // same without allocating per line (a config of thousands of programs has tens of thousands).
        Span<int> positions = [-1, -1];
        int? commentStart = null;
        var remaining = InlineCommentPrefixes.Length;
        while (commentStart is null && remaining > 0)
        {
            remaining = 0;
            for (var i = 0; i < positions.Length; i++)
            {
                if (positions[i] == NotFound)
                {
                    continue;
                }

                var found = line[(positions[i] + 1)..].IndexOf(InlineCommentPrefixes[i]);
                if (found >= 0)
                {
                    found += positions[i] + 1;
                }

                if (found < 0)
                {
                    positions[i] = NotFound;
                    continue;
                }

                positions[i] = found;
                remaining++;
                if (found == 0 || char.IsWhiteSpace(line[found - 1]))
                {
                    commentStart = commentStart is int current ? Math.Min(current, found) : found;
                }
            }
        }

        return commentStart;
    }

    private static int IndentOf(ReadOnlySpan<char> line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (!char.IsWhiteSpace(line[i]))
            {
                return i;
            }
        }

        return 0;
    }
}
