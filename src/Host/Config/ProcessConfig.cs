namespace Supervisor.Host.Config;

/// <summary>What kind of section a process group came from.</summary>
internal enum GroupKind
{
    /// <summary><c>[program:x]</c>, alone or gathered by a <c>[group:x]</c>.</summary>
    Program,

    /// <summary><c>[eventlistener:x]</c>: a listener pool.</summary>
    EventListener,
}

/// <summary>
/// Where one output channel of a process is logged (<c>supervisor/options.py</c>, <c>ServerOptions._processes_from_section</c>; the six <c>stdout_*</c>/<c>stderr_*</c> keys).
/// <see cref="File"/> is null for <c>NONE</c> (or a redirected stderr); <see cref="IsAuto"/> means
/// <c>AUTO</c>: a file in <c>childlogdir</c> whose name is chosen when the group is activated.
/// </summary>
internal sealed record ChildLogConfig
{
    /// <summary>
    /// The path (<c>~</c> expanded), or null when there is no file (NONE, syslog, a redirected stderr,
    /// AUTO until activated). A relative path stays relative, as in the
    /// reference, which opens it against the daemon's working directory.
    /// </summary>
    public string? File { get; init; }

    /// <summary>True for <c>AUTO</c>: <see cref="File"/> is null until the group is activated.</summary>
    public bool IsAuto { get; init; }

    /// <summary><c>*_logfile_maxbytes</c>; 0 = never rotate.</summary>
    public long MaxBytes { get; init; } = 50 * 1024 * 1024;

    /// <summary><c>*_logfile_backups</c>.</summary>
    public int Backups { get; init; } = 10;

    /// <summary><c>*_capture_maxbytes</c>; 0 = capture mode off.</summary>
    public long CaptureMaxBytes { get; init; }

    /// <summary><c>*_events_enabled</c>.</summary>
    public bool EventsEnabled { get; init; }

    /// <summary><c>*_syslog</c>.</summary>
    public bool Syslog { get; init; }
}

/// <summary>
/// One process, every key expanded for its <c>process_num</c> and validated (<c>supervisor/options.py</c>, <c>ServerOptions._processes_from_section</c>). Value
/// equality (including the dictionaries and lists) is what <c>reloadConfig</c> compares; AUTO log
/// names are not part of it because they are only chosen at activation.
/// </summary>
internal sealed record ProcessConfig
{
    /// <summary>The section the process came from, e.g. <c>program:web</c>.</summary>
    public required string Section { get; init; }

    /// <summary>The text after <c>program:</c> (or <c>eventlistener:</c>).</summary>
    public required string ProgramName { get; init; }

    /// <summary>The process name (<c>process_name</c> expanded).</summary>
    public required string Name { get; init; }

    /// <summary>The command line, expanded but not yet split (splitting and its errors happen at spawn).</summary>
    public required string Command { get; init; }

    /// <summary>The working directory, or null to inherit the daemon's.</summary>
    public string? Directory { get; init; }

    /// <summary>The umask for the child, or null to inherit.</summary>
    public int? Umask { get; init; }

    public int Priority { get; init; } = 999;

    public bool Autostart { get; init; } = true;

    public AutoRestart Autorestart { get; init; } = AutoRestart.Unexpected;

    public int Startsecs { get; init; } = 1;

    public int Startretries { get; init; } = 3;

    public IReadOnlyList<int> Exitcodes { get; init; } = [0];

    /// <summary>The stop signal's number.</summary>
    public int Stopsignal { get; init; } = 15;

    public int Stopwaitsecs { get; init; } = 10;

    public bool Stopasgroup { get; init; }

    public bool Killasgroup { get; init; }

    /// <summary>The <c>user=</c> text as written, or null.</summary>
    public string? User { get; init; }

    /// <summary>The uid resolved from <see cref="User"/>, or null.</summary>
    public int? Uid { get; init; }

    /// <summary>The primary gid of <see cref="User"/>, or null.</summary>
    public int? Gid { get; init; }

    public bool RedirectStderr { get; init; }

    public required ChildLogConfig Stdout { get; init; }

    public required ChildLogConfig Stderr { get; init; }

    /// <summary>The merged <c>environment=</c>: <c>[supervisord]</c>'s, then the program's (which wins).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>serverurl</c> value, or null for AUTO (the daemon's own URL).</summary>
    public string? ServerUrl { get; init; }

    public bool Equals(ProcessConfig? other) =>
        other is not null
        && Section == other.Section && ProgramName == other.ProgramName && Name == other.Name
        && Command == other.Command && Directory == other.Directory && Umask == other.Umask
        && Priority == other.Priority && Autostart == other.Autostart && Autorestart == other.Autorestart
        && Startsecs == other.Startsecs && Startretries == other.Startretries
        && Exitcodes.SequenceEqual(other.Exitcodes) && Stopsignal == other.Stopsignal
        && Stopwaitsecs == other.Stopwaitsecs && Stopasgroup == other.Stopasgroup && Killasgroup == other.Killasgroup
        && User == other.User && Uid == other.Uid && Gid == other.Gid && RedirectStderr == other.RedirectStderr
        && Stdout == other.Stdout && Stderr == other.Stderr && ServerUrl == other.ServerUrl
        && Environment.Count == other.Environment.Count
        && Environment.All(pair => other.Environment.TryGetValue(pair.Key, out var value) && value == pair.Value);

    public override int GetHashCode() => HashCode.Combine(Section, Name, Command, Priority);
}

/// <summary>
/// Extra keys of an <c>[eventlistener:x]</c> pool (<c>supervisor/options.py</c>, <c>ServerOptions.process_groups_from_parser</c>). Event delivery itself belongs to
/// the events work; the engine runs listener processes like programs until then.
/// </summary>
/// <param name="Events">The event type names, upper-cased, as listed.</param>
/// <param name="BufferSize">The pool's event buffer size (≥ 1).</param>
/// <param name="ResultHandler">The <c>result_handler</c> spec.</param>
internal sealed record EventListenerPoolConfig(IReadOnlyList<string> Events, int BufferSize, string ResultHandler)
{
    public bool Equals(EventListenerPoolConfig? other) =>
        other is not null && Events.SequenceEqual(other.Events) && BufferSize == other.BufferSize && ResultHandler == other.ResultHandler;

    public override int GetHashCode() => HashCode.Combine(BufferSize, ResultHandler);
}

/// <summary>
/// A process group: a homogeneous one per <c>[program:x]</c> not listed in a <c>[group:x]</c>, one per
/// <c>[group:x]</c>, one per <c>[eventlistener:x]</c>. Processes are in (priority, name) order, ties
/// in configuration order.
/// </summary>
internal sealed record ProcessGroupConfig(
    string Name, int Priority, GroupKind Kind, IReadOnlyList<ProcessConfig> Processes, EventListenerPoolConfig? Pool)
{
    public bool Equals(ProcessGroupConfig? other) =>
        other is not null && Name == other.Name && Priority == other.Priority && Kind == other.Kind
        && Processes.SequenceEqual(other.Processes) && Equals(Pool, other.Pool);

    public override int GetHashCode() => HashCode.Combine(Name, Priority, Kind);
}
