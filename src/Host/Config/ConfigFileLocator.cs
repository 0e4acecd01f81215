namespace Supervisor.Host.Config;

/// <summary>
/// Where supervisord and supervisorctl look for their config file when <c>-c</c> is not given, as
/// <c>supervisor/options.py</c> does (<c>Options.__init__</c>'s <c>searchpaths</c> and <c>Options.default_configfile</c>).
/// The client compiles this file in too, so both search the same list.
/// </summary>
internal static class ConfigFileLocator
{
    /// <summary>
    /// The reference's search list for an executable invoked as <paramref name="argv0"/>:
    /// <c>&lt;prefix&gt;/etc/supervisord.conf</c>, <c>&lt;prefix&gt;/supervisord.conf</c>,
    /// <c>supervisord.conf</c>, <c>etc/supervisord.conf</c>, <c>/etc/supervisord.conf</c>,
    /// <c>/etc/supervisor/supervisord.conf</c>, where prefix is <c>dirname(dirname(argv0))</c>.
    /// </summary>
    public static IReadOnlyList<string> DefaultSearchPaths(string argv0)
    {
        var prefix = PythonPaths.Dirname(PythonPaths.Dirname(argv0));
        return
        [
            PythonPaths.Join(PythonPaths.Join(prefix, "etc"), "supervisord.conf"),
            PythonPaths.Join(prefix, "supervisord.conf"),
            "supervisord.conf",
            "etc/supervisord.conf",
            "/etc/supervisord.conf",
            "/etc/supervisor/supervisord.conf",
        ];
    }

    /// <summary>The first candidate that <paramref name="exists"/> accepts, or the reference's error.</summary>
    public static Parsed<string> Find(IReadOnlyList<string> candidates, Func<string, bool> exists)
    {
        foreach (var candidate in candidates)
        {
            if (exists(candidate))
            {
                return Parsed<string>.Ok(candidate);
            }
        }

        return Parsed<string>.Fail(
            $"No config file found at default paths ({string.Join(", ", candidates)}); use the -c option to specify a config file at a different path");
    }

    /// <summary>The first existing path of the default search list (files or directories, like <c>os.path.exists</c>).</summary>
    public static Parsed<string> FindDefault(string argv0) =>
        Find(DefaultSearchPaths(argv0), path => File.Exists(path) || Directory.Exists(path));
}
