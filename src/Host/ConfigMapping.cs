using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Http;

namespace Supervisor.Host;

/// <summary>Turns a validated <see cref="SupervisordConfig"/> into what one generation of the runtime needs.</summary>
internal static class ConfigMapping
{
    public static RuntimeSettings ToRuntimeSettings(SupervisordConfig config, IReadOnlyList<ConfigMessage> messages)
    {
        var options = config.Supervisord;
        var listeners = new List<ListenerConfig>();
        listeners.AddRange(config.InetServers.Select(s => new InetListenerConfig(s.Section, s.Host, s.Port, s.Username, s.Password)));
        listeners.AddRange(config.UnixServers.Select(s => new UnixListenerConfig(
            s.Section, s.File, (UnixFileMode)s.Chmod, s.ChownUid >= 0 ? s.ChownUid : null, s.ChownGid >= 0 ? s.ChownGid : null, s.Username, s.Password)));
        return new RuntimeSettings
        {
            ConfigFile = config.ConfigFile,
            Identifier = options.Identifier,
            LogFile = options.Logfile,
            LogLevel = options.Loglevel,
            LogMaxBytes = options.LogfileMaxbytes,
            LogBackups = (int)Math.Min(options.LogfileBackups, int.MaxValue),
            NoDaemon = options.Nodaemon,
            Silent = options.Silent,
            PidFile = options.Pidfile,
            User = options.User,
            UserIds = options.Uid is { } uid ? (uid, options.Gid ?? -1) : null,
            Umask = options.Umask,
            Directory = options.Directory,
            MinFds = options.Minfds,
            MinProcs = options.Minprocs,
            PluginsFolder = options.Plugins,
            WebTemplatesFolder = options.WebTemplates,
            Listeners = listeners,
            RpcInterfaces = [.. config.RpcInterfaces.Select(r => new RpcInterfaceSection(r.Section, r.FactorySpec, r.Values))],
            Sections = [.. config.Document.Sections.Select(s => new ConfigSection(
                s.Name,
                config.Document.Items(s.Name).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
                s.File))],
            Notices = [.. messages.Select(m => (m.Level, m.Text))],
            Config = config,
        };
    }
}
