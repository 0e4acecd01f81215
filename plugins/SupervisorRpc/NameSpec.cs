namespace Supervisor;

/// <summary>
/// A <c>name</c> argument split at its first colon (<c>supervisor/options.py</c>, <c>split_namespec</c>):
/// <c>"web"</c> is process <c>web</c> of group <c>web</c>; <c>"g:p"</c> is process <c>p</c> of group
/// <c>g</c>; <c>"g:"</c> and <c>"g:*"</c> name the whole group (<see cref="Process"/> is null).
/// </summary>
internal readonly record struct NameSpec(string Group, string? Process)
{
    public static NameSpec Parse(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return new NameSpec(name, name);
        }

        var process = name[(colon + 1)..];
        return new NameSpec(name[..colon], process is "" or "*" ? null : process);
    }

    /// <summary>The canonical display name: <c>p</c> when group and process share it, else <c>g:p</c>.</summary>
    public static string Display(string group, string process) => group == process ? process : group + ":" + process;
}
