using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Processes;

namespace Supervisor.Host.Facade;

/// <summary>
/// getAllConfigInfo's structs from the engine's view of the configuration, in the reference's shapes
/// (Supervisor's <c>supervisor/rpcinterface.py</c>, <c>getAllConfigInfo</c>): unset values are the string
/// <c>none</c>, an AUTO log file is <c>auto</c> until its configuration was activated, the uid is a number
/// or <c>none</c>; sorted by process name, equal names in configuration order.
/// </summary>
internal static class ConfigInfoShapes
{
    public static IReadOnlyList<ProcessConfigInfo> Map(IReadOnlyList<ConfiguredProcess> configured) =>
        [.. configured.Select(Map).OrderBy(info => info.Name, StringComparer.Ordinal)];

    private static ProcessConfigInfo Map(ConfiguredProcess configured)
    {
        var process = configured.Process;
        return new ProcessConfigInfo
        {
            Autostart = process.Autostart,
            Directory = process.Directory ?? "none",
            Uid = process.Uid is { } uid ? uid : "none",
            Command = process.Command,
            Exitcodes = process.Exitcodes,
            Group = configured.Group.Name,
            GroupPriority = configured.Group.Priority,
            InUse = configured.InUse,
            Killasgroup = process.Killasgroup,
            Name = process.Name,
            ProcessPriority = process.Priority,
            RedirectStderr = process.RedirectStderr,
            Startretries = process.Startretries,
            Startsecs = process.Startsecs,
            StdoutCaptureMaxbytes = process.Stdout.CaptureMaxBytes,
            StdoutEventsEnabled = process.Stdout.EventsEnabled,
            StdoutLogfile = LogName(process.Stdout, configured.StdoutLog),
            StdoutLogfileBackups = process.Stdout.Backups,
            StdoutLogfileMaxbytes = process.Stdout.MaxBytes,
            StdoutSyslog = process.Stdout.Syslog,
            Stopsignal = process.Stopsignal,
            Stopwaitsecs = process.Stopwaitsecs,
            StderrCaptureMaxbytes = process.Stderr.CaptureMaxBytes,
            StderrEventsEnabled = process.Stderr.EventsEnabled,
            StderrLogfile = LogName(process.Stderr, configured.StderrLog),
            StderrLogfileBackups = process.Stderr.Backups,
            StderrLogfileMaxbytes = process.Stderr.MaxBytes,
            StderrSyslog = process.Stderr.Syslog,
            ServerUrl = process.ServerUrl ?? "none",
        };
    }

    private static string LogName(ChildLogConfig log, string? activePath) =>
        log.IsAuto ? activePath ?? "auto" : log.File ?? "none";

    /// <summary>The structs mapped from one published list, kept while the engine publishes the same list.</summary>
    internal sealed record Mapped(IReadOnlyList<ConfiguredProcess> Source, IReadOnlyList<ProcessConfigInfo> Infos)
    {
        public static readonly Mapped Empty = new([], []);
    }
}
