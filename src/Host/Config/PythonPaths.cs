namespace Supervisor.Host.Config;

/// <summary>
/// Python's <c>os.path</c> for POSIX paths, and its <c>sorted()</c> of names, as the reference resolves and
/// lists config files and paths. (Python's text rules, <c>repr()</c>, <c>str()</c>, <c>int()</c>, are
/// <see cref="Supervisor.Abstractions.PythonText"/>.)
/// </summary>
internal static class PythonPaths
{
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
}
