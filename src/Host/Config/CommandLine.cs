using Supervisor.Abstractions;

namespace Supervisor.Host.Config;

/// <summary>
/// supervisord's command-line values (Supervisor's <c>supervisor/options.py</c>, <c>ServerOptions.__init__</c> and <c>Options.realize</c>). A null property (or false flag) was not
/// given; given values override the file's.
/// </summary>
internal sealed record CommandLineOptions
{
    public static CommandLineOptions None { get; } = new();

    public string? ConfigFile { get; init; }

    public bool Nodaemon { get; init; }

    public bool Silent { get; init; }

    public string? User { get; init; }

    public int? Umask { get; init; }

    public string? Directory { get; init; }

    public string? Logfile { get; init; }

    public long? LogfileMaxbytes { get; init; }

    public long? LogfileBackups { get; init; }

    public MainLogLevel? Loglevel { get; init; }

    public string? Pidfile { get; init; }

    public string? Identifier { get; init; }

    public string? Childlogdir { get; init; }

    public bool Nocleanup { get; init; }

    public long? Minfds { get; init; }

    public long? Minprocs { get; init; }

    public bool StripAnsi { get; init; }

    public ProfileOptions? ProfileOptions { get; init; }

    /// <summary><c>-h</c>, <c>-?</c> or <c>--help</c>: print the usage text and exit 0.</summary>
    public bool ShowHelp { get; init; }

    /// <summary><c>-v</c> or <c>--version</c>: print <c>4.2.5</c> and exit 0.</summary>
    public bool ShowVersion { get; init; }
}

/// <summary>The parsed command line, or every error found in it.</summary>
internal sealed record CommandLineResult(CommandLineOptions Options, IReadOnlyList<ConfigError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Parses supervisord's arguments as the reference does with Python's <c>getopt</c>: short
/// options (clustered, value attached or next), long options abbreviated to any unique prefix,
/// <c>--opt=value</c> or <c>--opt value</c>, parsing stopping at the first non-option.
/// </summary>
internal static class CommandLine
{
    private const string ShortOptions = "h?c:vnu:m:d:l:y:z:e:j:i:q:a:kts";

    private static readonly string[] LongOptions =
    [
        "help", "configuration=", "version", "nodaemon", "user=", "umask=", "directory=", "logfile=",
        "logfile_maxbytes=", "logfile_backups=", "loglevel=", "pidfile=", "identifier=", "childlogdir=",
        "minfds=", "minprocs=", "nocleanup", "strip_ansi", "profile_options=", "silent",
    ];

    /// <summary>Option (short or long) to the attribute it sets; options with no attribute are help/version.</summary>
    private static readonly Dictionary<string, string> AttributeOf = new(StringComparer.Ordinal)
    {
        ["-c"] = "configfile", ["--configuration"] = "configfile",
        ["-n"] = "nodaemon", ["--nodaemon"] = "nodaemon",
        ["-u"] = "user", ["--user"] = "user",
        ["-m"] = "umask", ["--umask"] = "umask",
        ["-d"] = "directory", ["--directory"] = "directory",
        ["-l"] = "logfile", ["--logfile"] = "logfile",
        ["-y"] = "logfile_maxbytes", ["--logfile_maxbytes"] = "logfile_maxbytes",
        ["-z"] = "logfile_backups", ["--logfile_backups"] = "logfile_backups",
        ["-e"] = "loglevel", ["--loglevel"] = "loglevel",
        ["-j"] = "pidfile", ["--pidfile"] = "pidfile",
        ["-i"] = "identifier", ["--identifier"] = "identifier",
        ["-q"] = "childlogdir", ["--childlogdir"] = "childlogdir",
        ["-a"] = "minfds", ["--minfds"] = "minfds",
        ["--minprocs"] = "minprocs",
        ["-k"] = "nocleanup", ["--nocleanup"] = "nocleanup",
        ["-t"] = "strip_ansi", ["--strip_ansi"] = "strip_ansi",
        ["--profile_options"] = "profile_options",
        ["-s"] = "silent", ["--silent"] = "silent",
    };

    /// <summary>
    /// Parses <paramref name="args"/> (without the program name). <paramref name="environment"/>
    /// provides <c>HOME</c> for <c>~</c> in path options.
    /// </summary>
    public static CommandLineResult Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        environment ??= new Dictionary<string, string>();
        var options = new CommandLineOptions();
        var errors = new List<ConfigError>();
        if (!TryGetopt(args, out var pairs, out var positional, out var getoptError))
        {
            return new CommandLineResult(options, [Error(getoptError!)]);
        }

        if (positional.Count > 0)
        {
            var listed = string.Join(", ", positional.Select(PythonText.Repr));
            return new CommandLineResult(options, [Error($"positional arguments are not supported: [{listed}]")]);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (option, argument) in pairs)
        {
            if (option is "-h" or "-?" or "--help")
            {
                return new CommandLineResult(options with { ShowHelp = true }, errors);
            }

            if (option is "-v" or "--version")
            {
                return new CommandLineResult(options with { ShowVersion = true }, errors);
            }

            var attribute = AttributeOf[option];
            var updated = Apply(options, attribute, argument, environment, out var valueError);
            if (valueError is not null)
            {
                errors.Add(Error($"invalid value for {option} {PythonText.Repr(argument)}: {valueError}"));
                continue;
            }

            if (!seen.Add(attribute))
            {
                errors.Add(Error($"conflicting command line option {PythonText.Repr(option)}"));
                continue;
            }

            options = updated;
        }

        return new CommandLineResult(options, errors);
    }

    private static CommandLineOptions Apply(
        CommandLineOptions options, string attribute, string argument, IReadOnlyDictionary<string, string> environment, out string? error)
    {
        error = null;
        switch (attribute)
        {
            case "configfile": return options with { ConfigFile = argument };
            case "nodaemon": return options with { Nodaemon = true };
            case "silent": return options with { Silent = true };
            case "nocleanup": return options with { Nocleanup = true };
            case "strip_ansi": return options with { StripAnsi = true };
            case "user": return options with { User = argument };
            case "identifier": return options with { Identifier = argument };
            case "umask":
                var umask = ConfigValues.Octal(argument);
                error = umask.Error;
                return options with { Umask = umask.Value };
            case "directory":
                var directory = ConfigValues.ExistingDirectory(argument, environment);
                error = directory.Error;
                return options with { Directory = directory.Value };
            case "childlogdir":
                var childlogdir = ConfigValues.ExistingDirectory(argument, environment);
                error = childlogdir.Error;
                return options with { Childlogdir = childlogdir.Value };
            case "logfile":
                var logfile = ConfigValues.ExistingDirpath(argument, environment);
                error = logfile.Error;
                return options with { Logfile = logfile.Value };
            case "pidfile":
                var pidfile = ConfigValues.ExistingDirpath(argument, environment);
                error = pidfile.Error;
                return options with { Pidfile = pidfile.Value };
            case "logfile_maxbytes":
                var maxbytes = ConfigValues.ByteSize(argument);
                error = maxbytes.Error;
                return options with { LogfileMaxbytes = maxbytes.Value };
            case "logfile_backups":
                var backups = ConfigValues.Integer(argument);
                error = backups.Error;
                return options with { LogfileBackups = backups.Value };
            case "loglevel":
                var level = ConfigValues.LogLevel(argument);
                error = level.Error;
                return options with { Loglevel = level.Value };
            case "minfds":
                var minfds = ConfigValues.Integer(argument);
                error = minfds.Error;
                return options with { Minfds = minfds.Value };
            case "minprocs":
                var minprocs = ConfigValues.Integer(argument);
                error = minprocs.Error;
                return options with { Minprocs = minprocs.Value };
            default:
                return options with { ProfileOptions = ParseProfileOptions(argument) };
        }
    }

    /// <summary>The reference's <c>profile_options</c>: lower-cased sort keys, <c>callers</c> as a flag.</summary>
    private static ProfileOptions ParseProfileOptions(string value)
    {
        var items = ConfigValues.ListOfStrings(value).Select(s => s.ToLowerInvariant()).ToList();
        return new ProfileOptions(items.Where(s => s != "callers").ToList(), items.Contains("callers"));
    }

    /// <summary>Python's <c>getopt.getopt</c>, with its error texts.</summary>
    private static bool TryGetopt(
        IReadOnlyList<string> args, out List<(string Option, string Argument)> pairs, out List<string> positional, out string? error)
    {
        pairs = [];
        error = null;
        var index = 0;
        while (index < args.Count && args[index].StartsWith('-') && args[index] != "-")
        {
            var arg = args[index++];
            if (arg == "--")
            {
                break;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var text = arg[2..];
                string? value = null;
                var equals = text.IndexOf('=');
                if (equals >= 0)
                {
                    value = text[(equals + 1)..];
                    text = text[..equals];
                }

                var candidates = LongOptions.Where(o => o.StartsWith(text, StringComparison.Ordinal)).ToList();
                if (candidates.Count == 0)
                {
                    error = $"option --{text} not recognized";
                    positional = [];
                    return false;
                }

                bool takesArgument;
                string name;
                if (candidates.Contains(text))
                {
                    (takesArgument, name) = (false, text);
                }
                else if (candidates.Contains(text + "="))
                {
                    (takesArgument, name) = (true, text);
                }
                else if (candidates.Count > 1)
                {
                    error = $"option --{text} not a unique prefix";
                    positional = [];
                    return false;
                }
                else
                {
                    takesArgument = candidates[0].EndsWith('=');
                    name = candidates[0].TrimEnd('=');
                }

                if (takesArgument && value is null)
                {
                    if (index >= args.Count)
                    {
                        error = $"option --{name} requires argument";
                        positional = [];
                        return false;
                    }

                    value = args[index++];
                }
                else if (!takesArgument && value is not null)
                {
                    error = $"option --{name} must not have an argument";
                    positional = [];
                    return false;
                }

                pairs.Add(("--" + name, value ?? string.Empty));
                continue;
            }

            var shorts = arg[1..];
            while (shorts.Length > 0)
            {
                var letter = shorts[0];
                shorts = shorts[1..];
                var at = letter == ':' ? -1 : ShortOptions.IndexOf(letter);
                if (at < 0)
                {
                    error = $"option -{letter} not recognized";
                    positional = [];
                    return false;
                }

                var takesArgument = at + 1 < ShortOptions.Length && ShortOptions[at + 1] == ':';
                var value = string.Empty;
                if (takesArgument)
                {
                    if (shorts.Length == 0)
                    {
                        if (index >= args.Count)
                        {
                            error = $"option -{letter} requires argument";
                            positional = [];
                            return false;
                        }

                        shorts = args[index++];
                    }

                    value = shorts;
                    shorts = string.Empty;
                }

                pairs.Add(("-" + letter, value));
            }
        }

        positional = args.Skip(index).ToList();
        return true;
    }

    private static ConfigError Error(string message) => new(null, null, message);
}
