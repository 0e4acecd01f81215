using System.Text;
using Supervisor.Host.Config;

namespace Supervisor.Ctl.Options;

/// <summary>
/// The <c>[supervisorctl]</c> section of a config file, read as the reference's
/// <c>ClientOptions.read_config</c> reads it (supervisor/options.py): <c>%(ENV_X)s</c> in every
/// value, <c>%(here)s</c> (the file's directory) in <c>serverurl</c> and <c>history_file</c>, a
/// <c>unix://</c> path and the history file made absolute. <c>[include]</c> is not followed, as there.
/// </summary>
internal sealed class ConfigSection
{
    public required string ServerUrl { get; init; }

    public required string Prompt { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? HistoryFile { get; init; }

    public static ConfigSection Read(string path)
    {
        var here = PythonPaths.Dirname(NormalizePath(path));
        if (!Path.Exists(path))
        {
            throw new UsageException($"could not find config file {path}");
        }

        string text;
        try
        {
            text = ReadText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"could not read config file {path}");
        }

        Profile.Mark("config file read");
        var document = new IniDocument();
        if (IniParser.Parse(text, path, document) is { } error)
        {
            throw new UsageException(error);
        }

        Profile.Mark("config file parsed");

        const string Section = "supervisorctl";
        if (!document.HasSection(Section))
        {
            throw new UsageException(".ini file does not include supervisorctl section");
        }

        var environment = ClientOptions.EnvironmentNames();
        var withHere = Interpolation.Combine(environment, ("here", here));
        Profile.Mark("environment read");

        string? Get(string key, string? fallback, IReadOnlyDictionary<string, object> names)
        {
            var value = document.Get(Section, key) ?? fallback;
            if (value is null)
            {
                return null;
            }

            var expanded = Interpolation.Expand(value, names, $"{Section}.{key}");
            return expanded.Error is { } message ? throw new UsageException(message) : expanded.Value;
        }

        var serverUrl = Get("serverurl", ClientOptions.DefaultServerUrl, withHere)!;
        if (serverUrl.StartsWith("unix://", StringComparison.Ordinal))
        {
            serverUrl = "unix://" + NormalizePath(serverUrl[7..]);
        }

        var prompt = Get("prompt", "supervisor", environment)!;
        var username = Get("username", null, environment);
        var password = Get("password", null, environment);
        var history = Get("history_file", null, withHere);
        return new ConfigSection
        {
            ServerUrl = serverUrl,
            Prompt = prompt,
            Username = username,
            Password = password,
            HistoryFile = string.IsNullOrEmpty(history) ? null : NormalizePath(history),
        };
    }

    /// <summary>
    /// The file's text as <see cref="File.ReadAllText(string)"/> reads it (UTF-8, a byte order mark dropped),
    /// from its bytes in one read: the reader's buffers cost more than the file.
    /// </summary>
    private static string ReadText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes is [0xFE, 0xFF, ..] or [0xFF, 0xFE, ..] or [0, 0, 0xFE, 0xFF, ..])
        {
            // UTF-16 or UTF-32, which the reader recognizes by its mark.
            return File.ReadAllText(path);
        }

        var start = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        return Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary>The reference's <c>normalize_path</c>: <c>~</c> expanded, made absolute, normalized.</summary>
    public static string NormalizePath(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = (Environment.GetEnvironmentVariable("HOME") ?? "/") + path[1..];
        }

        return PythonPaths.AbsPath(path, Environment.CurrentDirectory);
    }
}
