using System.Collections;
using Supervisor.Abstractions;
using Supervisor.Host.Config;

namespace Supervisor.Ctl.Options;

/// <summary>
/// The command line and the <c>[supervisorctl]</c> section, combined as the reference's
/// <c>ClientOptions.realize</c> combines them (supervisor/options.py): an option given on the
/// command line wins over the file, the file over the defaults.
/// </summary>
internal sealed class ClientOptions
{
    public const string DefaultServerUrl = "http://localhost:9001";

    private const string ShortOptions = "h?c:is:u:p:r:";

    private static readonly string[] LongOptions = ["help", "configuration=", "interactive", "serverurl=", "username=", "password=", "history_file="];

    /// <summary>How the program was invoked, for <c>For help, use PROG -h</c> (the reference prints its <c>sys.argv[0]</c>).</summary>
    public required string ProgramName { get; init; }

    public string? ConfigFile { get; private set; }

    public bool Interactive { get; set; }

    public string Prompt { get; private set; } = "supervisor";

    public string ServerUrl { get; set; } = DefaultServerUrl;

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? HistoryFile { get; private set; }

    /// <summary>The action words after the options; none means the interactive shell.</summary>
    public IReadOnlyList<string> Args { get; private set; } = [];

    /// <summary>True when <c>-h</c> asked for the usage text (printed instead of running anything).</summary>
    public bool HelpRequested { get; private set; }

    /// <summary>Reads <paramref name="args"/> and the config file; a <see cref="UsageException"/> carries the reference's usage error.</summary>
    public static ClientOptions Realize(IReadOnlyList<string> args, string programName, string? argv0 = null)
    {
        var options = new ClientOptions { ProgramName = programName };
        List<(string Option, string Value)> parsed;
        List<string> rest;
        try
        {
            (parsed, rest) = Getopt.Parse(args, ShortOptions, LongOptions);
        }
        catch (GetoptException e)
        {
            throw new UsageException(e.Message);
        }

        string? interactive = null, serverUrl = null, username = null, password = null, history = null, config = null;
        foreach (var (option, value) in parsed)
        {
            switch (option)
            {
                case "-h" or "-?" or "--help":
                    // The reference prints the usage and exits as soon as it meets -h, before any config is read.
                    options.HelpRequested = true;
                    return options;
                case "-c" or "--configuration":
                    Once(ref config, value, option);
                    break;
                case "-i" or "--interactive":
                    Once(ref interactive, "1", option);
                    break;
                case "-s" or "--serverurl":
                    if (!LooksLikeUrl(value))
                    {
                        throw new UsageException($"invalid value for {option} {PythonText.Repr(value)}: value {PythonText.Repr(value)} is not a URL");
                    }

                    Once(ref serverUrl, value, option);
                    break;
                case "-u" or "--username":
                    Once(ref username, value, option);
                    break;
                case "-p" or "--password":
                    Once(ref password, value, option);
                    break;
                case "-r" or "--history_file":
                    Once(ref history, value, option);
                    break;
            }
        }

        options.ConfigFile = config ?? DefaultConfigFile(argv0 ?? programName);
        var section = options.ConfigFile is null ? null : ConfigSection.Read(options.ConfigFile);

        options.Interactive = interactive is not null;
        options.Prompt = section?.Prompt ?? "supervisor";
        options.ServerUrl = serverUrl ?? section?.ServerUrl ?? DefaultServerUrl;
        options.Username = username ?? section?.Username;
        options.Password = password ?? section?.Password;
        // 4.2.5 accepts -r but then reads the history file only from the config file; here -r is used.
        options.HistoryFile = history is not null ? ConfigSection.NormalizePath(history) : section?.HistoryFile;
        options.Args = rest;
        if (rest.Count == 0)
        {
            options.Interactive = true;
        }

        return options;
    }

    // None found means no file (the client's defaults), unlike the daemon, which stops.
    private static string? DefaultConfigFile(string argv0) => ConfigFileLocator.DefaultSearchPaths(argv0).FirstOrDefault(Path.Exists);

    /// <summary>The reference's <c>datatypes.url</c> check: a scheme and something after it.</summary>
    private static bool LooksLikeUrl(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !char.IsAsciiLetter(value[0]) || value[..colon].Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')))
        {
            return false;
        }

        var rest = value[(colon + 1)..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            rest = rest[2..];
        }

        return rest.Split('?', '#')[0].Length > 0;
    }

    private static void Once(ref string? slot, string value, string option)
    {
        if (slot is not null)
        {
            throw new UsageException($"conflicting command line option {PythonText.Repr(option)}");
        }

        slot = value;
    }

    /// <summary>The process environment as <c>ENV_X</c> expansion names.</summary>
    internal static Dictionary<string, object> EnvironmentNames()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return Interpolation.EnvironmentNames(environment);
    }
}

/// <summary>A command-line or config error: printed as <c>Error: MESSAGE</c> and <c>For help, use PROG -h</c> on stderr, exit 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
