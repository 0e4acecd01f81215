using System.Text;

using Supervisor.Abstractions;

namespace Supervisor.Host.Config;

/// <summary>
/// One problem found in the command line or the configuration. <see cref="Message"/> is the
/// reference's exact text; <see cref="Section"/> and <see cref="Key"/> say where, when known.
/// </summary>
/// <param name="Section">The section name without brackets (e.g. <c>inet_http_server</c>), or null for file- and command-line-level errors.</param>
/// <param name="Key">The key within the section, or null.</param>
/// <param name="Message">The reference's error text.</param>
internal sealed record ConfigError(string? Section, string? Key, string Message)
{
    /// <summary>What a person reads: <c>[section] key: message</c>, or just the message when there is no section.</summary>
    public override string ToString()
    {
        if (Section is null)
        {
            return Message;
        }

        return Key is null ? $"[{Section}] {Message}" : $"[{Section}] {Key}: {Message}";
    }
}

/// <summary>A message found while reading the configuration, to be logged once logging is up.</summary>
/// <param name="Level">Warn for an include pattern with no match, Info for each included file.</param>
/// <param name="Text">The reference's log text.</param>
internal sealed record ConfigMessage(MainLogLevel Level, string Text);

/// <summary>Renders configuration errors as supervisord prints them to stderr before exiting with status 2.</summary>
internal static class ConfigErrorFormatter
{
    /// <summary>
    /// One <c>Error: ...</c> line per error (each naming section and key when known), then
    /// <c>For help, use &lt;argv0&gt; -h</c>; every line ends with a newline.
    /// </summary>
    public static string Format(IEnumerable<ConfigError> errors, string argv0)
    {
        var builder = new StringBuilder();
        foreach (var error in errors)
        {
            builder.Append("Error: ").Append(error.ToString()).Append('\n');
        }

        builder.Append("For help, use ").Append(argv0).Append(" -h\n");
        return builder.ToString();
    }
}
