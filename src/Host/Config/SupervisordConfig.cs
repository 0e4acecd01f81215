using Supervisor.Abstractions;

namespace Supervisor.Host.Config;

/// <summary>
/// The configuration supervisord runs with: the typed <c>[supervisord]</c>, server and
/// rpcinterface sections, and the whole <see cref="IniDocument"/> for the sections read later
/// (programs, groups, listeners) and for plugins.
/// </summary>
internal sealed record SupervisordConfig
{
    /// <summary>The main configuration file, absolute.</summary>
    public required string ConfigFile { get; init; }

    /// <summary>The directory of the main file (<c>%(here)s</c>).</summary>
    public required string Here { get; init; }

    /// <summary>The <c>[supervisord]</c> section with command-line overrides applied.</summary>
    public required SupervisordOptions Supervisord { get; init; }

    /// <summary>Every <c>[unix_http_server*]</c> section, in file order.</summary>
    public required IReadOnlyList<UnixHttpServerConfig> UnixServers { get; init; }

    /// <summary>Every <c>[inet_http_server*]</c> section, in file order.</summary>
    public required IReadOnlyList<InetHttpServerConfig> InetServers { get; init; }

    /// <summary>Every <c>[rpcinterface:x]</c> section, in file order.</summary>
    public required IReadOnlyList<RpcInterfaceConfig> RpcInterfaces { get; init; }

    /// <summary>All sections of the main file and its includes.</summary>
    public required IniDocument Document { get; init; }

    /// <summary>
    /// The <c>ENV_x</c> expansion names in force after <c>[supervisord]</c>: the daemon's
    /// environment plus the keys of <c>[supervisord] environment=</c> (which win).
    /// </summary>
    public required IReadOnlyDictionary<string, object> EnvironmentNames { get; init; }

    /// <summary>The <c>host_node_name</c> expansion (the host name).</summary>
    public required string HostNodeName { get; init; }

    /// <summary>
    /// The process groups of <c>[program:x]</c>, <c>[group:x]</c> and <c>[eventlistener:x]</c>, sorted by
    /// (priority, name): the order the daemon activates them in.
    /// </summary>
    public IReadOnlyList<ProcessGroupConfig> Groups { get; init; } = [];
}

/// <summary>The <c>[supervisord]</c> section, defaults as the reference's (<c>supervisor/options.py</c>, <c>ServerOptions.read_config</c>).</summary>
internal sealed record SupervisordOptions
{
    /// <summary>Absolute path of the main log, or <c>syslog</c>.</summary>
    public string Logfile { get; init; } = "supervisord.log";

    public long LogfileMaxbytes { get; init; } = 50 * 1024 * 1024;

    public long LogfileBackups { get; init; } = 10;

    public MainLogLevel Loglevel { get; init; } = MainLogLevel.Info;

    /// <summary>Absolute path of the pid file.</summary>
    public string Pidfile { get; init; } = "supervisord.pid";

    /// <summary>Applied only when daemonizing.</summary>
    public int Umask { get; init; } = Convert.ToInt32("022", 8);

    public bool Nodaemon { get; init; }

    public bool Silent { get; init; }

    public long Minfds { get; init; } = 1024;

    public long Minprocs { get; init; } = 200;

    public bool Nocleanup { get; init; }

    /// <summary>Existing directory for AUTO child logs (default: the system temp dir).</summary>
    public string Childlogdir { get; init; } = "/tmp";

    /// <summary>The <c>user=</c> text as written (command line or file), or null.</summary>
    public string? User { get; init; }

    /// <summary>The uid <see cref="User"/> resolves to, or null.</summary>
    public int? Uid { get; init; }

    /// <summary>The primary gid of <see cref="Uid"/>, or null.</summary>
    public int? Gid { get; init; }

    /// <summary>Existing directory to chdir to when daemonizing, or null.</summary>
    public string? Directory { get; init; }

    public bool StripAnsi { get; init; }

    /// <summary>The <c>environment=</c> pairs, in order.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string Identifier { get; init; } = "supervisor";

    /// <summary>
    /// Our own key: the plugins folder, absolute (relative paths resolved against the config
    /// file's directory), or null when not set (the caller decides).
    /// </summary>
    public string? Plugins { get; init; }

    /// <summary>
    /// Our own key: a folder whose files replace the web interface's templates and static files of the same
    /// name, absolute (relative paths resolved against the config file's directory), or null.
    /// </summary>
    public string? WebTemplates { get; init; }

    /// <summary><c>--profile_options</c>: the sort keys and whether <c>callers</c> was given, or null.</summary>
    public ProfileOptions? ProfileOptions { get; init; }
}

/// <summary>The <c>--profile_options</c> value: sort orders and the <c>callers</c> flag.</summary>
internal sealed record ProfileOptions(IReadOnlyList<string> SortOrders, bool Callers);

/// <summary>A <c>[unix_http_server*]</c> section (<c>supervisor/options.py</c>, <c>ServerOptions.server_configs_from_parser</c>).</summary>
/// <param name="Section">The section name, e.g. <c>unix_http_server</c>.</param>
/// <param name="Name">The text after the first colon, or null.</param>
/// <param name="File">The socket path, absolute.</param>
/// <param name="Chmod">The socket's mode (default 0700).</param>
/// <param name="ChownUid">The socket's owner uid, or -1 to leave it.</param>
/// <param name="ChownGid">The socket's group gid, or -1 to leave it.</param>
/// <param name="Username">HTTP Basic user, or null (then <paramref name="Password"/> is null too).</param>
/// <param name="Password">Plain or <c>{SHA}hex</c> password, or null.</param>
internal sealed record UnixHttpServerConfig(
    string Section, string? Name, string File, int Chmod, int ChownUid, int ChownGid, string? Username, string? Password);

/// <summary>An <c>[inet_http_server*]</c> section (<c>supervisor/options.py</c>, <c>ServerOptions.server_configs_from_parser</c>).</summary>
/// <param name="Section">The section name, e.g. <c>inet_http_server</c>.</param>
/// <param name="Name">The text after the first colon, or null.</param>
/// <param name="Host">Lower-cased host, empty for all interfaces.</param>
/// <param name="Port">1..65535.</param>
/// <param name="Username">HTTP Basic user, or null.</param>
/// <param name="Password">Plain or <c>{SHA}hex</c> password, or null.</param>
internal sealed record InetHttpServerConfig(
    string Section, string? Name, string Host, int Port, string? Username, string? Password);

/// <summary>An <c>[rpcinterface:x]</c> section (<c>supervisor/options.py</c>, <c>Options.get_plugins</c>).</summary>
/// <param name="Section">The section name, e.g. <c>rpcinterface:supervisor</c>.</param>
/// <param name="Name">The namespace: the text after the first colon.</param>
/// <param name="FactorySpec">The <c>supervisor.rpcinterface_factory</c> value (<c>module:attr</c>), expanded.</param>
/// <param name="Values">Every other key (lower-cased, <c>[DEFAULT]</c> keys included), expanded, in order.</param>
/// <param name="File">The file the section came from.</param>
internal sealed record RpcInterfaceConfig(
    string Section, string Name, string FactorySpec, IReadOnlyDictionary<string, string> Values, string File);

/// <summary>What <see cref="ConfigLoader"/> found: a config, or the errors (never both).</summary>
/// <param name="Config">The configuration, or null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Every error found, in the order the reference would meet them.</param>
/// <param name="Messages">Include warnings and infos, for the main log once it is open.</param>
internal sealed record ConfigLoadResult(
    SupervisordConfig? Config, IReadOnlyList<ConfigError> Errors, IReadOnlyList<ConfigMessage> Messages)
{
    public bool Succeeded => Config is not null;
}
