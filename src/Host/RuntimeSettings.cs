using Supervisor.Abstractions;
using Supervisor.Host.Http;

namespace Supervisor.Host;

/// <summary>What one generation of the daemon (start-up, or each restart) runs with, taken from the validated config.</summary>
internal sealed record RuntimeSettings
{
    public required string ConfigFile { get; init; }

    public string Identifier { get; init; } = "supervisor";

    public string? LogFile { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Info;

    public long LogMaxBytes { get; init; } = 50 * 1024 * 1024;

    public int LogBackups { get; init; } = 10;

    public bool NoDaemon { get; init; }

    public bool Silent { get; init; }

    public string? PidFile { get; init; }

    public string? User { get; init; }

    /// <summary>The uid and primary gid <see cref="User"/> resolved to.</summary>
    public (int Uid, int Gid)? UserIds { get; init; }

    public int? Umask { get; init; }

    public string? Directory { get; init; }

    public long MinFds { get; init; } = 1024;

    public long MinProcs { get; init; } = 200;

    /// <summary>The configured plugins folder; the bundled one beside the executable is searched after it.</summary>
    public string? PluginsFolder { get; init; }

    public IReadOnlyList<ListenerConfig> Listeners { get; init; } = [];

    public IReadOnlyList<RpcInterfaceSection> RpcInterfaces { get; init; } = [];

    public IReadOnlyList<ConfigSection> Sections { get; init; } = [];

    /// <summary>Messages the config reader produced (include notices), logged once the main log is open.</summary>
    public IReadOnlyList<(LogLevel Level, string Text)> Notices { get; init; } = [];

    /// <summary>The whole typed configuration (process groups, childlogdir, identifier...), or null in tests that need none.</summary>
    public Config.SupervisordConfig? Config { get; init; }
}

/// <summary>One <c>[rpcinterface:x]</c> section: its full name, its factory spec (null when missing) and its other keys.</summary>
internal sealed record RpcInterfaceSection(string Section, string? Factory, IReadOnlyDictionary<string, string> Keys);
