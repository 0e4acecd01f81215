using System.Globalization;
using System.Numerics;

using Supervisor.Abstractions;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Config;

/// <summary>How a process is restarted when it exits (<c>autorestart=</c>).</summary>
internal enum AutoRestart
{
    Never,
    Unexpected,
    Always,
}

/// <summary>
/// The value types of the config file (Python <c>supervisor/datatypes.py</c>): each parser
/// returns the value or the reference's exact error text.
/// </summary>
internal static class ConfigValues
{
    private static readonly string[] TruthyStrings = ["yes", "true", "on", "1"];
    private static readonly string[] FalsyStrings = ["no", "false", "off", "0"];

    private static readonly Dictionary<string, MainLogLevel> LevelsByDescription = new(StringComparer.Ordinal)
    {
        ["critical"] = Supervisor.Abstractions.MainLogLevel.Critical,
        ["error"] = Supervisor.Abstractions.MainLogLevel.Error,
        ["warn"] = Supervisor.Abstractions.MainLogLevel.Warn,
        ["info"] = Supervisor.Abstractions.MainLogLevel.Info,
        ["debug"] = Supervisor.Abstractions.MainLogLevel.Debug,
        ["trace"] = Supervisor.Abstractions.MainLogLevel.Trace,
        ["blather"] = Supervisor.Abstractions.MainLogLevel.Blather,
    };

    /// <summary><c>true yes on 1</c> / <c>false no off 0</c>, any case.</summary>
    public static Parsed<bool> Boolean(string value)
    {
        var lowered = value.ToLowerInvariant();
        if (TruthyStrings.Contains(lowered))
        {
            return Parsed<bool>.Ok(true);
        }

        if (FalsyStrings.Contains(lowered))
        {
            return Parsed<bool>.Ok(false);
        }

        return Parsed<bool>.Fail("not a valid boolean value: " + PythonText.Repr(value));
    }

    /// <summary>Python <c>int(value)</c>: whitespace, sign, digits with single <c>_</c> separators. Values beyond 64 bits are clamped.</summary>
    public static Parsed<long> Integer(string value)
    {
        if (!PythonText.TryParseInt(value, out var number))
        {
            return Parsed<long>.Fail(IntError(value));
        }

        return Parsed<long>.Ok(Clamp(number));
    }

    /// <summary>An integer optionally followed by <c>kb</c>, <c>mb</c> or <c>gb</c> (any case, powers of 1024).</summary>
    public static Parsed<long> ByteSize(string value)
    {
        var lowered = value.ToLowerInvariant();
        (string Suffix, long Multiplier)[] units = [("kb", 1024L), ("mb", 1024L * 1024), ("gb", 1024L * 1024 * 1024)];
        foreach (var (suffix, multiplier) in units)
        {
            if (lowered.EndsWith(suffix, StringComparison.Ordinal))
            {
                var digits = lowered[..^suffix.Length];
                return PythonText.TryParseInt(digits, out var scaled)
                    ? Parsed<long>.Ok(Clamp(scaled * multiplier))
                    : Parsed<long>.Fail(IntError(digits));
            }
        }

        return PythonText.TryParseInt(lowered, out var plain)
            ? Parsed<long>.Ok(Clamp(plain))
            : Parsed<long>.Fail(IntError(lowered));
    }

    /// <summary>Python <c>int(value, 8)</c>: <c>022</c>, <c>22</c>, <c>0o22</c>.</summary>
    public static Parsed<int> Octal(string value)
    {
        if (PythonText.TryParseInt(value, out var number, radix: 8) && number >= int.MinValue && number <= int.MaxValue)
        {
            return Parsed<int>.Ok((int)number);
        }

        return Parsed<int>.Fail($"{value} can not be converted to an octal type");
    }

    /// <summary>A signal number, or a name with or without <c>SIG</c>, any case (<see cref="SignalNames"/>).</summary>
    public static Parsed<int> SignalNumber(string value)
    {
        int number;
        if (PythonText.TryParseInt(value, out var parsed))
        {
            if (!SignalNames.IsValid(Clamp(parsed)))
            {
                return Parsed<int>.Fail($"value {PythonText.Repr(value)} is not a valid signal number");
            }

            number = (int)parsed;
        }
        else if (SignalNames.Number(value) is { } named)
        {
            number = named;
        }
        else
        {
            return Parsed<int>.Fail($"value {PythonText.Repr(value)} is not a valid signal name");
        }

        return Parsed<int>.Ok(number);
    }

    /// <summary>Comma-separated exit codes 0..255; empty gives an empty list.</summary>
    public static Parsed<IReadOnlyList<int>> ExitCodes(string value)
    {
        var codes = new List<int>();
        if (value.Length > 0)
        {
            foreach (var part in value.Split(','))
            {
                if (!PythonText.TryParseInt(part, out var code) || code < 0 || code > 255)
                {
                    return Parsed<IReadOnlyList<int>>.Fail("not a valid list of exit codes: " + PythonText.Repr(value));
                }

                codes.Add((int)code);
            }
        }

        return Parsed<IReadOnlyList<int>>.Ok(codes);
    }

    /// <summary>Boolean words or <c>unexpected</c>, any case.</summary>
    public static Parsed<AutoRestart> AutoRestartValue(string value)
    {
        var lowered = value.ToLowerInvariant();
        if (TruthyStrings.Contains(lowered))
        {
            return Parsed<AutoRestart>.Ok(AutoRestart.Always);
        }

        if (FalsyStrings.Contains(lowered))
        {
            return Parsed<AutoRestart>.Ok(AutoRestart.Never);
        }

        return lowered == "unexpected"
            ? Parsed<AutoRestart>.Ok(AutoRestart.Unexpected)
            : Parsed<AutoRestart>.Fail($"invalid 'autorestart' value {PythonText.Repr(lowered)}");
    }

    /// <summary><c>critical error warn info debug trace blather</c>, any case (<c>warning</c> is not one).</summary>
    public static Parsed<MainLogLevel> LogLevel(string value) =>
        LevelsByDescription.TryGetValue(value.ToLowerInvariant(), out var level)
            ? Parsed<MainLogLevel>.Ok(level)
            : Parsed<MainLogLevel>.Fail("bad logging level name " + PythonText.Repr(value));

    /// <summary>A directory that exists, after <c>~</c> expansion; returns the expanded path.</summary>
    public static Parsed<string> ExistingDirectory(string value, IReadOnlyDictionary<string, string> environment)
    {
        var expanded = ExpandUser(value, environment);
        return Directory.Exists(expanded)
            ? Parsed<string>.Ok(expanded)
            : Parsed<string>.Fail($"{value} is not an existing directory");
    }

    /// <summary>A file path whose directory part (if any) exists, after <c>~</c> expansion; relative paths stay relative.</summary>
    public static Parsed<string> ExistingDirpath(string value, IReadOnlyDictionary<string, string> environment)
    {
        var expanded = ExpandUser(value, environment);
        var directory = PythonPaths.Dirname(expanded);
        if (directory.Length == 0 || Directory.Exists(directory))
        {
            return Parsed<string>.Ok(expanded);
        }

        return Parsed<string>.Fail($"The directory named as part of the path {value} does not exist");
    }

    /// <summary>A user name or a numeric uid that exists; returns the uid.</summary>
    public static Parsed<int> UserId(string value)
    {
        if (PythonText.TryParseInt(value, out var uid))
        {
            return UnixAccounts.UidExists(Clamp(uid))
                ? Parsed<int>.Ok((int)uid)
                : Parsed<int>.Fail($"Invalid user id {value}");
        }

        return UnixAccounts.UidOfName(value) is int found
            ? Parsed<int>.Ok(found)
            : Parsed<int>.Fail($"Invalid user name {value}");
    }

    /// <summary>A group name or a numeric gid that exists; returns the gid.</summary>
    public static Parsed<int> GroupId(string value)
    {
        if (PythonText.TryParseInt(value, out var gid))
        {
            return UnixAccounts.GidExists(Clamp(gid))
                ? Parsed<int>.Ok((int)gid)
                : Parsed<int>.Fail($"Invalid group id {value}");
        }

        return UnixAccounts.GidOfName(value) is int found
            ? Parsed<int>.Ok(found)
            : Parsed<int>.Fail($"Invalid group name {value}");
    }

    /// <summary><c>user</c> or <c>user:group</c> (names or ids); the gid is -1 when no group is given.</summary>
    public static Parsed<(int Uid, int Gid)> UserAndGroup(string value)
    {
        var colon = value.IndexOf(':');
        var uid = UserId(colon < 0 ? value : value[..colon]);
        var gid = colon < 0 ? Parsed<int>.Ok(-1) : GroupId(value[(colon + 1)..]);
        return uid.IsOk && gid.IsOk
            ? Parsed<(int, int)>.Ok((uid.Value, gid.Value))
            : Parsed<(int, int)>.Fail($"Invalid user:group definition {value}");
    }

    /// <summary>A process or group name: stripped, without space, <c>:</c> or <c>/</c>.</summary>
    public static Parsed<string> Name(string value)
    {
        var stripped = value.Trim();
        foreach (var character in " :/")
        {
            if (stripped.Contains(character))
            {
                return Parsed<string>.Fail($"Invalid name: {PythonText.Repr(value)} because of character: {PythonText.Repr(character.ToString())}");
            }
        }

        return Parsed<string>.Ok(stripped);
    }

    /// <summary>Comma-separated strings, each stripped; empty gives an empty list.</summary>
    public static IReadOnlyList<string> ListOfStrings(string value) =>
        value.Length == 0 ? [] : value.Split(',').Select(s => s.Trim()).ToList();

    /// <summary>An integer port in 1..65535.</summary>
    public static Parsed<int> PortNumber(string value)
    {
        if (!PythonText.TryParseInt(value, out var port))
        {
            return Parsed<int>.Fail(IntError(value));
        }

        if (port < 1)
        {
            return Parsed<int>.Fail($"{port.ToString(CultureInfo.InvariantCulture)} is below lower bound (1)");
        }

        if (port > 65535)
        {
            return Parsed<int>.Fail($"{port.ToString(CultureInfo.InvariantCulture)} is above upper bound (65535)");
        }

        return Parsed<int>.Ok((int)port);
    }

    /// <summary><c>port</c>, <c>host:port</c>, <c>*:port</c> or <c>:port</c>; the host is lower-cased, empty for all interfaces.</summary>
    public static Parsed<(string Host, int Port)> InetAddress(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0)
        {
            var bare = PortNumber(value);
            return bare.IsOk
                ? Parsed<(string, int)>.Ok((string.Empty, bare.Value))
                : Parsed<(string, int)>.Fail($"not a valid port number: {PythonText.Repr(value)} ");
        }

        var portText = value[(colon + 1)..];
        if (portText.Length == 0)
        {
            return Parsed<(string, int)>.Fail("no port number specified in ''");
        }

        var port = PortNumber(portText);
        if (!port.IsOk)
        {
            return Parsed<(string, int)>.Fail(port.Error!);
        }

        var host = value[..colon].ToLowerInvariant();
        return Parsed<(string, int)>.Ok((host == "*" ? string.Empty : host, port.Value));
    }

    /// <summary>
    /// <c>KEY=value,KEY2="value 2"</c> as the reference's <c>dict_of_key_value_pairs</c> reads it
    /// (non-POSIX shlex tokens in groups of four; <c>supervisor/datatypes.py</c>, <c>dict_of_key_value_pairs</c>). Later duplicates win.
    /// </summary>
    public static Parsed<IReadOnlyDictionary<string, string>> KeyValuePairs(string value)
    {
        var tokens = ShlexTokenizer.Tokenize(value, out var tokenError);
        if (tokenError is not null)
        {
            return Parsed<IReadOnlyDictionary<string, string>>.Fail(tokenError);
        }

        var pairs = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i += 4)
        {
            if (i + 3 > tokens.Count || tokens[i + 1] != "=")
            {
                return Parsed<IReadOnlyDictionary<string, string>>.Fail($"Unexpected end of key/value pairs in value '{value}'");
            }

            pairs[tokens[i]] = tokens[i + 2].Trim('\'', '"');
        }

        return Parsed<IReadOnlyDictionary<string, string>>.Ok(pairs);
    }

    /// <summary>Python's <c>os.path.expanduser</c>, with <c>HOME</c> taken from <paramref name="environment"/>.</summary>
    public static string ExpandUser(string path, IReadOnlyDictionary<string, string> environment)
    {
        if (!path.StartsWith('~'))
        {
            return path;
        }

        var slash = path.IndexOf('/', 1);
        if (slash < 0)
        {
            slash = path.Length;
        }

        string? home;
        if (slash == 1)
        {
            home = environment.TryGetValue("HOME", out var fromEnvironment) ? fromEnvironment : UnixAccounts.HomeOfCurrentUser();
        }
        else
        {
            home = UnixAccounts.HomeOfName(path[1..slash]);
        }

        if (home is null)
        {
            return path;
        }

        var result = home.TrimEnd('/') + path[slash..];
        return result.Length == 0 ? "/" : result;
    }

    private static string IntError(string value) => "invalid literal for int() with base 10: " + PythonText.Repr(value);

    private static long Clamp(BigInteger value) =>
        value > long.MaxValue ? long.MaxValue : value < long.MinValue ? long.MinValue : (long)value;
}
