using System.Text;
using System.Text.RegularExpressions;

namespace Supervisor.Host.Config;

/// <summary>
/// Python's <c>glob.glob(pattern)</c> (non-recursive) on POSIX: <c>*</c>, <c>?</c> and
/// <c>[...]</c> in any path component, hidden names matched only by a pattern starting with
/// <c>.</c>, results keeping the pattern's literal text (unsorted, like Python).
/// </summary>
internal static class PythonGlob
{
    public static List<string> Glob(string pattern) => Expand(pattern, directoriesOnly: false);

    /// <summary>True when the text holds a glob wildcard.</summary>
    public static bool HasMagic(string text) => text.AsSpan().IndexOfAny("*?[") >= 0;

    /// <summary>Python's <c>fnmatch.fnmatchcase</c>.</summary>
    public static bool Matches(string name, string pattern) => Translate(pattern).IsMatch(name);

    private static List<string> Expand(string pattern, bool directoriesOnly)
    {
        var (directory, basename) = Split(pattern);
        var results = new List<string>();
        if (!HasMagic(pattern))
        {
            if (basename.Length > 0 ? Exists(pattern) : Directory.Exists(directory))
            {
                results.Add(pattern);
            }

            return results;
        }

        if (directory.Length == 0)
        {
            results.AddRange(MatchInDirectory(string.Empty, basename, directoriesOnly));
            return results;
        }

        List<string> directories = directory != pattern && HasMagic(directory)
            ? Expand(directory, directoriesOnly: true)
            : [directory];
        foreach (var parent in directories)
        {
            IEnumerable<string> names;
            if (HasMagic(basename))
            {
                names = MatchInDirectory(parent, basename, directoriesOnly);
            }
            else if (basename.Length == 0)
            {
                names = Directory.Exists(parent) ? [basename] : [];
            }
            else
            {
                names = Exists(PythonPaths.Join(parent, basename)) ? [basename] : [];
            }

            results.AddRange(names.Select(name => PythonPaths.Join(parent, name)));
        }

        return results;
    }

    private static IEnumerable<string> MatchInDirectory(string directory, string pattern, bool directoriesOnly)
    {
        var listed = directory.Length == 0 ? "." : directory;
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(listed).EnumerateFileSystemInfos().ToList();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return [];
        }

        var regex = Translate(pattern);
        return entries
            .Where(e => !directoriesOnly || IsDirectory(e))
            .Select(e => e.Name)
            .Where(name => pattern.StartsWith('.') || !name.StartsWith('.'))
            .Where(name => regex.IsMatch(name))
            .ToList();
    }

    private static bool IsDirectory(FileSystemInfo entry) =>
        entry is DirectoryInfo || (entry.LinkTarget is not null && Directory.Exists(entry.FullName));

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>Python's <c>os.path.split</c>.</summary>
    private static (string Head, string Tail) Split(string path)
    {
        var index = path.LastIndexOf('/') + 1;
        return (PythonPaths.Dirname(path), path[index..]);
    }

    private static Regex Translate(string pattern)
    {
        var builder = new StringBuilder("^(?s:");
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i++];
            if (c == '*')
            {
                builder.Append(".*");
            }
            else if (c == '?')
            {
                builder.Append('.');
            }
            else if (c == '[')
            {
                var j = i;
                if (j < pattern.Length && pattern[j] == '!')
                {
                    j++;
                }

                if (j < pattern.Length && pattern[j] == ']')
                {
                    j++;
                }

                while (j < pattern.Length && pattern[j] != ']')
                {
                    j++;
                }

                if (j >= pattern.Length)
                {
                    builder.Append("\\[");
                    continue;
                }

                var set = pattern[i..j];
                i = j + 1;
                var negate = set.StartsWith('!');
                if (negate)
                {
                    set = set[1..];
                }

                var escaped = set.Replace("\\", "\\\\", StringComparison.Ordinal)
                    .Replace("[", "\\[", StringComparison.Ordinal)
                    .Replace("^", "\\^", StringComparison.Ordinal)
                    .Replace("]", "\\]", StringComparison.Ordinal);
                builder.Append('[').Append(negate ? "^" : string.Empty).Append(escaped).Append(']');
            }
            else
            {
                builder.Append(Regex.Escape(c.ToString()));
            }
        }

        builder.Append(")\\z");
        return new Regex(builder.ToString(), RegexOptions.CultureInvariant);
    }
}
