using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Http;

namespace Supervisor.Host;

/// <summary>What one generation of the daemon (start-up, or each restart) runs with, taken from the validated config.</summary>
/// <remarks>
/// <see cref="ConfigMapping"/> fills every member from the config; the defaults below matter only to a
/// runtime made without one (tests, benchmarks) and are <see cref="SupervisordOptions"/>' own, the one
/// table of <c>[supervisord]</c> defaults, so the two cannot drift apart.
/// </remarks>
internal sealed record RuntimeSettings
{
    private static readonly SupervisordOptions Defaults = new();

    public required string ConfigFile { get; init; }

    public string Identifier { get; init; } = Defaults.Identifier;

    public string? LogFile { get; init; }

    public MainLogLevel LogLevel { get; init; } = Defaults.Loglevel;

    public long LogMaxBytes { get; init; } = Defaults.LogfileMaxbytes;

    public int LogBackups { get; init; } = (int)Defaults.LogfileBackups;

    public bool NoDaemon { get; init; }

    public bool Silent { get; init; }

    public string? PidFile { get; init; }

    public string? User { get; init; }

    /// <summary>The uid and primary gid <see cref="User"/> resolved to.</summary>
    public (int Uid, int Gid)? UserIds { get; init; }

    public int? Umask { get; init; }

    public string? Directory { get; init; }

    public long MinFds { get; init; } = Defaults.Minfds;

    public long MinProcs { get; init; } = Defaults.Minprocs;

    /// <summary>The configured plugins folder; the bundled one beside the executable is searched after it.</summary>
    public string? PluginsFolder { get; init; }

    /// <summary>Our own key <c>web_templates</c>: a folder whose files replace the web interface's embedded templates and files.</summary>
    public string? WebTemplatesFolder { get; init; }

    public IReadOnlyList<ListenerConfig> Listeners { get; init; } = [];

    public IReadOnlyList<RpcInterfaceSection> RpcInterfaces { get; init; } = [];

    public IReadOnlyList<ConfigSection> Sections { get; init; } = [];

    /// <summary>Messages the config reader produced (include notices), logged once the main log is open.</summary>
    public IReadOnlyList<(MainLogLevel Level, string Text)> Notices { get; init; } = [];

    /// <summary>The whole typed configuration (process groups, childlogdir, identifier...), or null in tests that need none.</summary>
    public SupervisordConfig? Config { get; init; }
}

/// <summary>One <c>[rpcinterface:x]</c> section: its full name, its factory spec (null when missing) and its other keys.</summary>
internal sealed record RpcInterfaceSection(string Section, string? Factory, IReadOnlyDictionary<string, string> Keys);
