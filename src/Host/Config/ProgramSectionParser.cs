using Supervisor.Abstractions;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Config;

/// <summary>
/// What building the processes of a program-like section needs besides the section's own keys:
/// the expansion names and values in force after <c>[supervisord]</c>.
/// </summary>
/// <param name="Here">The main config file's directory (<c>%(here)s</c>; included files had theirs replaced textually).</param>
/// <param name="HostNodeName">The <c>host_node_name</c> expansion.</param>
/// <param name="EnvironmentNames">The <c>ENV_x</c> names: the daemon's environment plus <c>[supervisord] environment=</c>.</param>
/// <param name="GlobalEnvironment">The <c>[supervisord] environment=</c> pairs, merged under each program's own.</param>
/// <param name="DaemonEnvironment">The daemon's own environment (for <c>~</c> expansion through <c>HOME</c>).</param>
/// <param name="WorkingDirectory">The daemon's working directory (relative log paths are checked against it).</param>
internal sealed record ProgramParseContext(
    string Here,
    string HostNodeName,
    IReadOnlyDictionary<string, object> EnvironmentNames,
    IReadOnlyDictionary<string, string> GlobalEnvironment,
    IReadOnlyDictionary<string, string> DaemonEnvironment,
    string WorkingDirectory);

/// <summary>
/// Builds the processes of one <c>[program:x]</c> or <c>[eventlistener:x]</c> section as the
/// reference's <c>ServerOptions._processes_from_section</c> does: same
/// defaults, same reading order, same expansion names per key, same error texts and warnings.
/// </summary>
internal static class ProgramSections
{
    /// <summary>
    /// The processes a run-time addition would create (a plugin adding a program to a group, as
    /// supervisor_twiddler's <c>addProgramToGroup</c>): <paramref name="options"/> are read as the keys of
    /// <c>[program:programName]</c> listed in group <paramref name="groupName"/>, with the same validation
    /// and error texts as in a file (not wrapped; several errors are joined with newlines). Parse-time
    /// warnings are dropped, as the reference only logs those at start-up.
    /// </summary>
    public static Parsed<IReadOnlyList<ProcessConfig>> FromOptions(
        SupervisordConfig config, string groupName, string programName, IReadOnlyDictionary<string, string> options)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in options)
        {
            // RawConfigParser lower-cases keys as they are set.
            values[key.ToLowerInvariant()] = value;
        }

        var daemonEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (System.Environment.GetEnvironmentVariable("HOME") is string home)
        {
            daemonEnvironment["HOME"] = home;
        }

        var context = new ProgramParseContext(
            config.Here,
            config.HostNodeName,
            config.EnvironmentNames,
            config.Supervisord.Environment,
            daemonEnvironment,
            Directory.GetCurrentDirectory());
        var errors = new List<string>();
        var processes = Build(
            context,
            "program:" + programName,
            groupName,
            key => values.GetValueOrDefault(key),
            (_, message) => errors.Add(message),
            _ => { });
        return errors.Count == 0
            ? Parsed<IReadOnlyList<ProcessConfig>>.Ok(processes)
            : Parsed<IReadOnlyList<ProcessConfig>>.Fail(string.Join("\n", errors));
    }

    /// <summary>
    /// Builds the processes of <paramref name="section"/> in group <paramref name="groupName"/>, in
    /// (priority, name) order. <paramref name="raw"/> gives a key's unexpanded value or null;
    /// <paramref name="error"/> receives (key or null, the reference's unwrapped text) once per distinct
    /// error; <paramref name="warn"/> receives each parse-time warning (once per process, as the reference).
    /// </summary>
    public static List<ProcessConfig> Build(
        ProgramParseContext context,
        string section,
        string groupName,
        Func<string, string?> raw,
        Action<string?, string> error,
        Action<string> warn) =>
        new SectionBuilder(context, section, groupName, raw, error, warn).Build();

    /// <summary>The reference's sort of process configs: by priority, then name (code point order); stable.</summary>
    public static List<ProcessConfig> Sorted(IEnumerable<ProcessConfig> processes) =>
        processes.OrderBy(p => p.Priority).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();

    private sealed class SectionBuilder(
        ProgramParseContext context,
        string section,
        string groupName,
        Func<string, string?> raw,
        Action<string?, string> error,
        Action<string> warn)
    {
        private const long DefaultLogMaxBytes = 50 * 1024 * 1024;

        private readonly HashSet<(string?, string)> _reported = [];

        public List<ProcessConfig> Build()
        {
            var rawProgramName = section[(section.IndexOf(':') + 1)..];
            var programNameResult = ConfigValues.Name(rawProgramName);
            if (!programNameResult.IsOk)
            {
                Report(null, programNameResult.Error!);
            }

            var programName = programNameResult.IsOk ? programNameResult.Value! : rawProgramName.Trim();

            // Keys read once per section know these names only (no process_num).
            var common = Interpolation.Combine(
                context.EnvironmentNames,
                ("here", context.Here),
                ("program_name", programName),
                ("host_node_name", context.HostNodeName),
                ("group_name", groupName));

            var priority = ToInt(Read("priority", 999L, ConfigValues.Integer, common));
            var autostart = Read("autostart", true, ConfigValues.Boolean, common);
            var autorestart = Read("autorestart", AutoRestart.Unexpected, ConfigValues.AutoRestartValue, common);
            var startsecs = ToInt(Read("startsecs", 1L, ConfigValues.Integer, common));
            var startretries = ToInt(Read("startretries", 3L, ConfigValues.Integer, common));
            var stopsignal = Read("stopsignal", 15, ConfigValues.SignalNumber, common);
            var stopwaitsecs = ToInt(Read("stopwaitsecs", 10L, ConfigValues.Integer, common));
            var stopasgroup = Read("stopasgroup", false, ConfigValues.Boolean, common);
            var killasgroup = Read("killasgroup", stopasgroup, ConfigValues.Boolean, common);
            var exitcodes = Read("exitcodes", (IReadOnlyList<int>)[0], ConfigValues.ExitCodes, common);
            var redirectStderr = Read("redirect_stderr", false, ConfigValues.Boolean, common);
            var numprocs = Read("numprocs", 1L, ConfigValues.Integer, common);
            var numprocsStart = Read("numprocs_start", 0L, ConfigValues.Integer, common);
            var environmentText = raw("environment") ?? string.Empty;
            var stdoutCapture = Read("stdout_capture_maxbytes", 0L, ConfigValues.ByteSize, common);
            var stdoutEvents = Read("stdout_events_enabled", false, ConfigValues.Boolean, common);
            var stderrCapture = Read("stderr_capture_maxbytes", 0L, ConfigValues.ByteSize, common);
            var stderrEvents = Read("stderr_events_enabled", false, ConfigValues.Boolean, common);

            var serverUrl = Read<string?>("serverurl", null, v => Parsed<string?>.Ok(v), common);
            if (serverUrl is not null && serverUrl.Trim().Equals("AUTO", StringComparison.OrdinalIgnoreCase))
            {
                serverUrl = null;
            }

            var user = Read<string?>("user", null, v => Parsed<string?>.Ok(v), common);
            int? uid = null;
            int? gid = null;
            if (user is not null)
            {
                var resolved = ConfigValues.UserId(user);
                if (resolved.IsOk)
                {
                    uid = resolved.Value;
                    gid = UnixAccounts.PrimaryGidOfUid(resolved.Value);
                }
                else
                {
                    Report("user", resolved.Error!);
                }
            }

            var umask = Read<int?>("umask", null, v => ToNullable(ConfigValues.Octal(v)), common);

            // process_name is validated as written, before any expansion.
            var processNameResult = ConfigValues.Name(raw("process_name") ?? "%(program_name)s");
            if (!processNameResult.IsOk)
            {
                Report("process_name", processNameResult.Error!);
            }

            var processName = processNameResult.Value;
            if (processName is not null && numprocs > 1 && !processName.Contains("%(process_num)", StringComparison.Ordinal))
            {
                Report("numprocs", "%(process_num) must be present within process_name when numprocs > 1");
            }

            if (stopasgroup && !killasgroup)
            {
                Report("killasgroup", "Cannot set stopasgroup=true and killasgroup=false");
            }

            var processes = new List<ProcessConfig>();

            // One dictionary for the whole loop, like the reference's aliased common_expansions: a
            // program's environment keys stay visible as ENV_x to the next process_num's keys.
            var names = new Dictionary<string, object>(common, StringComparer.Ordinal);
            for (var processNum = numprocsStart; processNum < numprocsStart + numprocs; processNum++)
            {
                names["process_num"] = processNum;
                names["numprocs"] = numprocs;
                foreach (var (envName, value) in context.EnvironmentNames)
                {
                    names[envName] = value;
                }

                var environment = ReadEnvironment(environmentText, names);
                foreach (var (key, value) in environment)
                {
                    names["ENV_" + key] = value;
                }

                var directory = Read<string?>("directory", null, v => Parsed<string?>.Ok(v), names);
                var stdout = ReadLog("stdout", names) with { CaptureMaxBytes = stdoutCapture, EventsEnabled = stdoutEvents };
                var stderr = ReadLog("stderr", names) with { CaptureMaxBytes = stderrCapture, EventsEnabled = stderrEvents };
                if (redirectStderr)
                {
                    if (stderr.File is not null)
                    {
                        Warn($"For [{section}], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored");
                    }

                    // Never a stderr log file when stderr goes to stdout.
                    stderr = stderr with { File = null, IsAuto = false };
                }

                string command = string.Empty;
                if (raw("command") is null)
                {
                    Report("command", $"program section {section} does not specify a command");
                }
                else
                {
                    command = Read("command", string.Empty, Parsed<string>.Ok, names);
                }

                var name = programName;
                if (processName is not null)
                {
                    var expanded = Interpolation.Expand(processName, names, "process_name");
                    if (expanded.IsOk)
                    {
                        name = expanded.Value!;
                    }
                    else
                    {
                        Report("process_name", expanded.Error!);
                    }
                }

                processes.Add(new ProcessConfig
                {
                    Section = section,
                    ProgramName = programName,
                    Name = name,
                    Command = command,
                    Directory = directory,
                    Umask = umask,
                    Priority = priority,
                    Autostart = autostart,
                    Autorestart = autorestart,
                    Startsecs = startsecs,
                    Startretries = startretries,
                    Exitcodes = exitcodes,
                    Stopsignal = stopsignal,
                    Stopwaitsecs = stopwaitsecs,
                    Stopasgroup = stopasgroup,
                    Killasgroup = killasgroup,
                    User = user,
                    Uid = uid,
                    Gid = gid,
                    RedirectStderr = redirectStderr,
                    Stdout = stdout,
                    Stderr = stderr,
                    Environment = MergeEnvironment(environment),
                    ServerUrl = serverUrl,
                });
            }

            return Sorted(processes);
        }

        /// <summary>The program's <c>environment=</c>, expanded with the loop's names (reported as bare <c>environment</c>).</summary>
        private IReadOnlyDictionary<string, string> ReadEnvironment(string text, Dictionary<string, object> names)
        {
            var expanded = Interpolation.Expand(text, names, "environment");
            if (!expanded.IsOk)
            {
                Report("environment", expanded.Error!);
                return new Dictionary<string, string>();
            }

            var pairs = ConfigValues.KeyValuePairs(expanded.Value!);
            if (!pairs.IsOk)
            {
                Report("environment", pairs.Error!);
                return new Dictionary<string, string>();
            }

            return pairs.Value!;
        }

        /// <summary><c>[supervisord] environment=</c> first, the program's over it.</summary>
        private OrderedDictionary<string, string> MergeEnvironment(IReadOnlyDictionary<string, string> own)
        {
            var merged = new OrderedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in context.GlobalEnvironment)
            {
                merged[key] = value;
            }

            foreach (var (key, value) in own)
            {
                merged[key] = value;
            }

            return merged;
        }

        /// <summary>
        /// One channel's six keys. The log file name is expanded twice (first as <c>section.key</c>, then
        /// as the bare key), then read as <c>NONE</c>/<c>OFF</c>, <c>AUTO</c>, <c>syslog</c> or a path whose
        /// directory must exist.
        /// </summary>
        private ChildLogConfig ReadLog(string channel, Dictionary<string, object> names)
        {
            var logfileKey = channel + "_logfile";
            var syslogKey = channel + "_syslog";
            string? file = null;
            var isAuto = true;
            var deprecatedSyslog = false;
            var text = raw(logfileKey);
            if (text is not null)
            {
                var first = Interpolation.Expand(text, names, $"{section}.{logfileKey}");
                var second = first.IsOk ? Interpolation.Expand(first.Value!, names, logfileKey) : first;
                if (!second.IsOk)
                {
                    Report(logfileKey, second.Error!);
                }
                else
                {
                    var value = second.Value!;
                    switch (value.ToLowerInvariant())
                    {
                        case "none" or "off":
                            isAuto = false;
                            break;
                        case "auto":
                            break;
                        case "syslog":
                            isAuto = false;
                            deprecatedSyslog = true;
                            break;
                        default:
                            isAuto = false;
                            var path = ExistingDirpath(value);
                            if (path.IsOk)
                            {
                                file = path.Value;
                            }
                            else
                            {
                                Report(logfileKey, path.Error!);
                            }

                            break;
                    }
                }
            }

            var backups = ToInt(Read(channel + "_logfile_backups", 10L, ConfigValues.Integer, names));
            var maxBytes = Read(channel + "_logfile_maxbytes", DefaultLogMaxBytes, ConfigValues.ByteSize, names);
            var syslog = Read(syslogKey, false, ConfigValues.Boolean, names);

            if (deprecatedSyslog)
            {
                Warn($"For [{section}], {logfileKey}=syslog but this is deprecated and will be removed.  Use {syslogKey}=true to enable syslog instead.");
                syslog = true;
            }

            if (isAuto && maxBytes == 0)
            {
                Warn($"For [{section}], AUTO logging used for {logfileKey} without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally");
            }

            return new ChildLogConfig { File = file, IsAuto = isAuto, MaxBytes = maxBytes, Backups = backups, Syslog = syslog };
        }

        /// <summary>
        /// The reference's <c>existing_dirpath</c>: <c>~</c> expanded, the directory part (if any) must
        /// exist; a relative path stays relative (the reference opens it against its working directory).
        /// </summary>
        private Parsed<string> ExistingDirpath(string value)
        {
            var expanded = ConfigValues.ExpandUser(value, context.DaemonEnvironment);
            var directory = PythonPaths.Dirname(expanded);
            if (directory.Length == 0 || Directory.Exists(PythonPaths.AbsPath(directory, context.WorkingDirectory)))
            {
                return Parsed<string>.Ok(expanded);
            }

            return Parsed<string>.Fail($"The directory named as part of the path {value} does not exist");
        }

        /// <summary>A key's value: absent → <paramref name="fallback"/>; else expanded (as <c>section.key</c>) and parsed, errors reported.</summary>
        private T Read<T>(string key, T fallback, Func<string, Parsed<T>> parse, IReadOnlyDictionary<string, object> names)
        {
            var text = raw(key);
            if (text is null)
            {
                return fallback;
            }

            var expanded = Interpolation.Expand(text, names, $"{section}.{key}");
            if (!expanded.IsOk)
            {
                Report(key, expanded.Error!);
                return fallback;
            }

            var parsed = parse(expanded.Value!);
            if (!parsed.IsOk)
            {
                Report(key, parsed.Error!);
                return fallback;
            }

            return parsed.Value!;
        }

        private void Report(string? key, string message)
        {
            // The per-process keys fail the same way for every process_num: say it once.
            if (_reported.Add((key, message)))
            {
                error(key, message);
            }
        }

        private void Warn(string message) => warn(message);

        private static Parsed<int?> ToNullable(Parsed<int> parsed) =>
            parsed.IsOk ? Parsed<int?>.Ok(parsed.Value) : Parsed<int?>.Fail(parsed.Error!);

        private static int ToInt(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);
    }
}

/// <summary>
/// Reads every <c>[group:x]</c>, <c>[program:x]</c>, <c>[eventlistener:x]</c> and
/// <c>[fcgi-program:x]</c> section into process groups, as the reference's
/// <c>ServerOptions.process_groups_from_parser</c> does, collecting every error
/// in the order the reference would meet them.
/// </summary>
internal static class ProcessGroupSections
{
    /// <summary>The pool default: Supervisor's own handler (there is no import here).</summary>
    public const string DefaultResultHandler = "supervisor.dispatchers:default_handler";

    /// <summary>The groups sorted by (priority, name), ties in reading order; errors and warnings appended to the lists.</summary>
    public static List<ProcessGroupConfig> Read(
        IniDocument document, ProgramParseContext context, List<ConfigError> errors, List<ConfigMessage> messages) =>
        new Reader(document, context, errors, messages).Run();

    private sealed class Reader(
        IniDocument document, ProgramParseContext context, List<ConfigError> errors, List<ConfigMessage> messages)
    {
        private readonly List<ProcessGroupConfig> _groups = [];
        private readonly HashSet<string> _homogeneousExclude = new(StringComparer.Ordinal);
        private readonly HashSet<string> _unsupportedReported = new(StringComparer.Ordinal);
        private readonly Dictionary<string, object> _sectionNames =
            Interpolation.Combine(context.EnvironmentNames, ("here", context.Here));

        public List<ProcessGroupConfig> Run()
        {
            var sections = document.Sections.Select(s => s.Name).ToList();
            foreach (var section in sections.Where(s => s.StartsWith("group:", StringComparison.Ordinal)))
            {
                ReadGroup(section);
            }

            foreach (var section in sections.Where(s => s.StartsWith("program:", StringComparison.Ordinal) && !_homogeneousExclude.Contains(s)))
            {
                ReadHomogeneous(section);
            }

            foreach (var section in sections.Where(s => s.StartsWith("eventlistener:", StringComparison.Ordinal)))
            {
                ReadListenerPool(section);
            }

            foreach (var section in sections.Where(s => s.StartsWith("fcgi-program:", StringComparison.Ordinal) && !_homogeneousExclude.Contains(s)))
            {
                ReportUnsupported(section);
            }

            return _groups
                .OrderBy(g => g.Priority)
                .ThenBy(g => g.Name, StringComparer.Ordinal)
                .ToList();
        }

        private void ReadGroup(string section)
        {
            var nameResult = ConfigValues.Name(section[(section.IndexOf(':') + 1)..]);
            if (!nameResult.IsOk)
            {
                errors.Add(new ConfigError(section, null, nameResult.Error!));
            }

            var groupName = nameResult.Value ?? section[(section.IndexOf(':') + 1)..].Trim();
            var programs = SectionValue(section, "programs", string.Empty, Parsed<string>.Ok);
            var priority = SectionValue(section, "priority", 999L, ConfigValues.Integer);
            var sectionSets = document.Sections.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

            // Quirk: the reference reuses its loop variable, so once a program is
            // resolved, later errors name that program's section instead of the group.
            var label = section;
            var processes = new List<ProcessConfig>();
            foreach (var program in ConfigValues.ListOfStrings(programs))
            {
                var programSection = "program:" + program;
                var fcgiSection = "fcgi-program:" + program;
                var isProgram = sectionSets.Contains(programSection);
                var isFcgi = sectionSets.Contains(fcgiSection);
                if (!isProgram && !isFcgi)
                {
                    errors.Add(new ConfigError(section, "programs", $"[{label}] names unknown program or fcgi-program {program}"));
                    continue;
                }

                if (isProgram && isFcgi)
                {
                    errors.Add(new ConfigError(section, "programs", $"[{label}] name {program} is ambiguous (exists as program and fcgi-program)"));
                    continue;
                }

                label = isProgram ? programSection : fcgiSection;
                _homogeneousExclude.Add(label);
                if (isFcgi)
                {
                    ReportUnsupported(fcgiSection);
                    continue;
                }

                processes.AddRange(BuildProcesses(programSection, groupName, new HashSet<string>()));
            }

            _groups.Add(new ProcessGroupConfig(groupName, ToInt(priority), GroupKind.Program, ProgramSections.Sorted(processes), null));
        }

        private void ReadHomogeneous(string section)
        {
            var nameResult = ConfigValues.Name(section[(section.IndexOf(':') + 1)..]);
            if (!nameResult.IsOk)
            {
                // Checked before anything else and not wrapped; the reference goes no further.
                errors.Add(new ConfigError(section, null, nameResult.Error!));
                return;
            }

            var before = errors.Count;
            var priority = SectionValue(section, "priority", 999L, ConfigValues.Integer);

            // The reference reads priority here first, so a bad one is reported unwrapped, once.
            HashSet<string> ignored = errors.Count > before ? ["priority"] : [];
            var processes = BuildProcesses(section, nameResult.Value!, ignored);
            _groups.Add(new ProcessGroupConfig(nameResult.Value!, ToInt(priority), GroupKind.Program, processes, null));
        }

        private void ReadListenerPool(string section)
        {
            // Not validated here: only the per-process builder checks the name (and its error is wrapped).
            var poolName = section[(section.IndexOf(':') + 1)..];
            var ignored = new HashSet<string>(StringComparer.Ordinal);

            var before = errors.Count;
            var priority = SectionValue(section, "priority", -1L, ConfigValues.Integer);
            if (errors.Count > before)
            {
                ignored.Add("priority");
            }

            var bufferSize = SectionValue(section, "buffer_size", 10L, ConfigValues.Integer);
            if (bufferSize < 1)
            {
                errors.Add(new ConfigError(section, "buffer_size", $"[{section}] section sets invalid buffer_size ({bufferSize})"));
            }

            // This daemon imports no Python: Supervisor's default handler (accept exactly "OK") is the one there is.
            var resultHandler = SectionValue(section, "result_handler", DefaultResultHandler, Parsed<string>.Ok);
            if (resultHandler != DefaultResultHandler)
            {
                errors.Add(new ConfigError(
                    section,
                    "result_handler",
                    $"{resultHandler} cannot be resolved within [{section}] (only {DefaultResultHandler} is supported)"));
            }

            var events = new List<string>();
            foreach (var eventName in ConfigValues.ListOfStrings(SectionValue(section, "events", string.Empty, Parsed<string>.Ok)))
            {
                var upper = eventName.ToUpperInvariant();
                if (!events.Contains(upper))
                {
                    events.Add(upper);
                }
            }

            if (events.Count == 0)
            {
                errors.Add(new ConfigError(section, "events", $"[{section}] section requires an \"events\" line"));
            }

            // Whether each name is a known type is checked once plugins have registered theirs
            // (EventTypes.UnknownInPools), as the reference imports plugin modules before reading pools.

            before = errors.Count;
            var redirectStderr = SectionValue(section, "redirect_stderr", false, ConfigValues.Boolean);
            if (errors.Count > before)
            {
                ignored.Add("redirect_stderr");
            }

            if (redirectStderr)
            {
                errors.Add(new ConfigError(
                    section,
                    "redirect_stderr",
                    $"[{section}] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol"));
            }

            var processes = BuildProcesses(section, poolName, ignored);
            var pool = new EventListenerPoolConfig(events, ToInt(bufferSize), resultHandler);
            _groups.Add(new ProcessGroupConfig(poolName, ToInt(priority), GroupKind.EventListener, processes, pool));
        }

        /// <summary>
        /// Runs the per-process builder; its errors get the reference's wrap suffix naming the section
        /// and the file it came from (the reference's <c>ServerOptions.realize</c> reports config errors so). Keys in <paramref name="ignoredKeys"/> already
        /// failed at group level, where the reference stops.
        /// </summary>
        private List<ProcessConfig> BuildProcesses(string section, string groupName, IReadOnlySet<string> ignoredKeys)
        {
            var file = document.Find(section)!.File;
            var suffix = $" in section {PythonText.Repr(section)} (file: {PythonText.Repr(file)})";
            return ProgramSections.Build(
                context,
                section,
                groupName,
                key => document.Get(section, key),
                (key, message) =>
                {
                    if (key is null || !ignoredKeys.Contains(key))
                    {
                        errors.Add(new ConfigError(section, key, message + suffix));
                    }
                },
                text => messages.Add(new ConfigMessage(MainLogLevel.Warn, text)));
        }

        private void ReportUnsupported(string section)
        {
            if (_unsupportedReported.Add(section))
            {
                errors.Add(new ConfigError(section, null, $"[{section}] is not supported by this daemon (FastCGI programs are not implemented)"));
            }
        }

        /// <summary>A group-level key: expanded with <c>here</c> and <c>ENV_x</c> only, errors not wrapped.</summary>
        private T SectionValue<T>(string section, string key, T fallback, Func<string, Parsed<T>> parse)
        {
            var text = document.Get(section, key);
            if (text is null)
            {
                return fallback;
            }

            var expanded = Interpolation.Expand(text, _sectionNames, $"{section}.{key}");
            if (!expanded.IsOk)
            {
                errors.Add(new ConfigError(section, key, expanded.Error!));
                return fallback;
            }

            var parsed = parse(expanded.Value!);
            if (!parsed.IsOk)
            {
                errors.Add(new ConfigError(section, key, parsed.Error!));
                return fallback;
            }

            return parsed.Value!;
        }

        private static int ToInt(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);
    }
}
