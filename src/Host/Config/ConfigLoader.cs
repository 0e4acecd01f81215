using Supervisor.Abstractions;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Config;

/// <summary>
/// Reads <c>supervisord.conf</c> as the reference's <c>ServerOptions.read_config</c> and
/// <c>realize</c> do (<c>supervisor/options.py</c>, <c>ServerOptions.realize</c> and <c>read_config</c>), collecting every error instead of stopping at the
/// first, in the order the reference would meet them.
/// </summary>
internal static class ConfigLoader
{
    private const string SupervisordSection = "supervisord";
    private const string FactoryKey = "supervisor.rpcinterface_factory";

    /// <summary>
    /// Loads <paramref name="configPath"/> (as given, relative or absolute).
    /// <paramref name="environment"/> is supervisord's own environment (the <c>ENV_x</c> names,
    /// <c>HOME</c>, <c>TMPDIR</c>); <paramref name="hostNodeName"/> defaults to the machine
    /// name and <paramref name="workingDirectory"/> (for relative <c>logfile</c>, <c>pidfile</c>,
    /// socket paths) to the current directory.
    /// </summary>
    public static ConfigLoadResult Load(
        string configPath,
        CommandLineOptions? overrides,
        IReadOnlyDictionary<string, string> environment,
        string? hostNodeName = null,
        string? workingDirectory = null)
    {
        var loader = new Reader(
            configPath,
            overrides ?? CommandLineOptions.None,
            environment,
            hostNodeName ?? Environment.MachineName,
            workingDirectory ?? Directory.GetCurrentDirectory());
        return loader.Run();
    }

    /// <summary>
    /// Finds the config file (<c>-c</c>, else the default search list) and loads it: the whole of
    /// start-up configuration for a parsed command line.
    /// </summary>
    public static ConfigLoadResult LoadForCommandLine(CommandLineOptions options, string argv0, IReadOnlyDictionary<string, string> environment)
    {
        var path = options.ConfigFile;
        if (path is null)
        {
            var found = ConfigFileLocator.FindDefault(argv0);
            if (!found.IsOk)
            {
                return new ConfigLoadResult(null, [new ConfigError(null, null, found.Error!)], []);
            }

            path = found.Value!;
        }

        return Load(path, options, environment);
    }

    /// <summary>Python's <c>tempfile.gettempdir()</c>: <c>TMPDIR</c>, <c>TEMP</c>, <c>TMP</c>, then the usual directories.</summary>
    public static string TempDirectory(IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        foreach (var name in new[] { "TMPDIR", "TEMP", "TMP" })
        {
            if (environment.TryGetValue(name, out var value) && value.Length > 0 && Directory.Exists(value))
            {
                return PythonPaths.AbsPath(value, workingDirectory);
            }
        }

        foreach (var candidate in new[] { "/tmp", "/var/tmp", "/usr/tmp" })
        {
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return workingDirectory;
    }

    private sealed class Reader(
        string configPath,
        CommandLineOptions overrides,
        IReadOnlyDictionary<string, string> environment,
        string hostNodeName,
        string workingDirectory)
    {
        private readonly List<ConfigError> _errors = [];
        private readonly List<ConfigMessage> _messages = [];
        private readonly IniDocument _document = new();
        private readonly string _here = PythonPaths.AbsPath(PythonPaths.Dirname(configPath), workingDirectory);
        private Dictionary<string, object> _environmentNames = Interpolation.EnvironmentNames(environment);

        public ConfigLoadResult Run()
        {
            if (!ReadAllFiles())
            {
                return Failed();
            }

            SupervisordOptions? options = null;
            if (_document.HasSection(SupervisordSection))
            {
                options = ReadSupervisord();
            }
            else
            {
                _errors.Add(new ConfigError(null, null, ".ini file does not include supervisord section"));
            }

            var rpcInterfaces = ReadRpcInterfaces();

            // The reference reads groups after the rpcinterfaces and before the servers.
            var groups = ProcessGroupSections.Read(
                _document,
                new ProgramParseContext(
                    _here,
                    hostNodeName,
                    _environmentNames,
                    options?.Environment ?? new Dictionary<string, string>(),
                    environment,
                    workingDirectory),
                _errors,
                _messages);
            var inetServers = ReadInetServers();
            var unixServers = ReadUnixServers();
            if (options is not null)
            {
                options = Realize(options);
            }

            if (_errors.Count > 0 || options is null)
            {
                return Failed();
            }

            var config = new SupervisordConfig
            {
                ConfigFile = PythonPaths.AbsPath(configPath, workingDirectory),
                Here = _here,
                Supervisord = options,
                UnixServers = unixServers,
                InetServers = inetServers,
                RpcInterfaces = rpcInterfaces,
                Document = _document,
                EnvironmentNames = _environmentNames,
                HostNodeName = hostNodeName,
                Groups = groups,
            };
            return new ConfigLoadResult(config, [], _messages);
        }

        private ConfigLoadResult Failed() => new(null, _errors, _messages);

        /// <summary>Reads the main file and its includes; false when a file could not be read or parsed.</summary>
        private bool ReadAllFiles()
        {
            if (!File.Exists(configPath) && !Directory.Exists(configPath))
            {
                _errors.Add(new ConfigError(null, null, $"could not find config file {configPath}"));
                return false;
            }

            string text;
            try
            {
                text = File.ReadAllText(configPath);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                _errors.Add(new ConfigError(null, null, $"could not read config file {configPath}"));
                return false;
            }

            var parseError = IniParser.Parse(text, configPath, _document);
            if (parseError is not null)
            {
                _errors.Add(new ConfigError(null, null, parseError));
            }

            if (_document.HasSection("include"))
            {
                ReadIncludes();
            }

            return _errors.Count == 0;
        }

        private void ReadIncludes()
        {
            _document.ExpandHere(_here);
            var files = _document.Get("include", "files");
            if (files is null)
            {
                _errors.Add(new ConfigError("include", "files", ".ini file has [include] section, but no files setting"));
                return;
            }

            var names = Interpolation.Combine(_environmentNames, ("here", _here), ("host_node_name", hostNodeName));
            var expanded = Interpolation.Expand(files, names, "include.files");
            if (!expanded.IsOk)
            {
                _errors.Add(new ConfigError("include", "files", expanded.Error!));
                return;
            }

            var baseDirectory = PythonPaths.Dirname(PythonPaths.AbsPath(configPath, workingDirectory));
            foreach (var pattern in expanded.Value!.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                var joined = PythonPaths.Join(baseDirectory, pattern);
                var matches = PythonGlob.Glob(joined);
                if (matches.Count == 0)
                {
                    _messages.Add(new ConfigMessage(MainLogLevel.Warn, $"No file matches via include \"{joined}\""));
                    continue;
                }

                foreach (var file in PythonPaths.Sorted(matches))
                {
                    _messages.Add(new ConfigMessage(MainLogLevel.Info, $"Included extra file \"{file}\" during parsing"));
                    string text;
                    try
                    {
                        text = File.ReadAllText(file);
                    }
                    catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                    {
                        // RawConfigParser.read() skips files it cannot open.
                        continue;
                    }

                    var parseError = IniParser.Parse(text, file, _document);
                    if (parseError is not null)
                    {
                        _errors.Add(new ConfigError(null, null, parseError));
                        continue;
                    }

                    _document.ExpandHere(PythonPaths.AbsPath(PythonPaths.Dirname(file), workingDirectory));
                }
            }
        }

        private SupervisordOptions ReadSupervisord()
        {
            var names = Interpolation.Combine(_environmentNames, ("here", _here));
            var options = new SupervisordOptions
            {
                Childlogdir = TempDirectory(environment, workingDirectory),
            };

            options = Read(names, "minfds", ConfigValues.Integer, options, (o, v) => o with { Minfds = v });
            options = Read(names, "minprocs", ConfigValues.Integer, options, (o, v) => o with { Minprocs = v });
            options = Read(names, "directory", v => ConfigValues.ExistingDirectory(v, environment), options, (o, v) => o with { Directory = v });
            options = Read(names, "user", Parsed<string>.Ok, options, (o, v) => o with { User = v });
            options = Read(names, "umask", ConfigValues.Octal, options, (o, v) => o with { Umask = v });
            options = Read(names, "logfile", v => ConfigValues.ExistingDirpath(v, environment), options, (o, v) => o with { Logfile = v });
            options = Read(names, "logfile_maxbytes", ConfigValues.ByteSize, options, (o, v) => o with { LogfileMaxbytes = v });
            options = Read(names, "logfile_backups", ConfigValues.Integer, options, (o, v) => o with { LogfileBackups = v });
            options = Read(names, "loglevel", ConfigValues.LogLevel, options, (o, v) => o with { Loglevel = v });
            options = Read(names, "pidfile", v => ConfigValues.ExistingDirpath(v, environment), options, (o, v) => o with { Pidfile = v });
            options = Read(names, "identifier", Parsed<string>.Ok, options, (o, v) => o with { Identifier = v });
            options = Read(names, "nodaemon", ConfigValues.Boolean, options, (o, v) => o with { Nodaemon = v });
            options = Read(names, "silent", ConfigValues.Boolean, options, (o, v) => o with { Silent = v });
            options = Read(names, "childlogdir", v => ConfigValues.ExistingDirectory(v, environment), options, (o, v) => o with { Childlogdir = v });
            options = Read(names, "nocleanup", ConfigValues.Boolean, options, (o, v) => o with { Nocleanup = v });
            options = Read(names, "strip_ansi", ConfigValues.Boolean, options, (o, v) => o with { StripAnsi = v });
            options = ReadEnvironment(names, options);
            options = Read(names, "plugins", v => PluginsFolder(v, environment), options, (o, v) => o with { Plugins = v });
            options = Read(names, "web_templates", v => ConfigValues.ExistingDirectory(PythonPaths.AbsPath(ConfigValues.ExpandUser(v, environment), _here), environment), options, (o, v) => o with { WebTemplates = v });
            return options;
        }

        /// <summary><c>plugins=</c>: a folder that exists (a typo would otherwise leave every plugin in it "not found").</summary>
        private Parsed<string> PluginsFolder(string value, IReadOnlyDictionary<string, string> environment)
        {
            var path = PythonPaths.AbsPath(ConfigValues.ExpandUser(value, environment), _here);
            return Directory.Exists(path) ? Parsed<string>.Ok(path) : Parsed<string>.Fail($"{value} is not an existing directory");
        }

        /// <summary><c>environment=</c> is expanded twice (<c>supervisor/options.py</c>, <c>ServerOptions.read_config</c>), then its keys become <c>ENV_x</c> names.</summary>
        private SupervisordOptions ReadEnvironment(Dictionary<string, object> names, SupervisordOptions options)
        {
            var raw = _document.Get(SupervisordSection, "environment") ?? string.Empty;
            var first = Interpolation.Expand(raw, names, "supervisord.environment");
            if (!first.IsOk)
            {
                _errors.Add(new ConfigError(SupervisordSection, "environment", first.Error!));
                return options;
            }

            var secondNames = Interpolation.Combine(_environmentNames, ("here", _here), ("host_node_name", hostNodeName));
            var second = Interpolation.Expand(first.Value!, secondNames, "environment");
            if (!second.IsOk)
            {
                _errors.Add(new ConfigError(SupervisordSection, "environment", second.Error!));
                return options;
            }

            var pairs = ConfigValues.KeyValuePairs(second.Value!);
            if (!pairs.IsOk)
            {
                _errors.Add(new ConfigError(SupervisordSection, "environment", pairs.Error!));
                return options;
            }

            _environmentNames = new Dictionary<string, object>(_environmentNames, StringComparer.Ordinal);
            foreach (var (key, value) in pairs.Value!)
            {
                _environmentNames["ENV_" + key] = value;
            }

            return options with { Environment = pairs.Value! };
        }

        private SupervisordOptions Read<T>(
            Dictionary<string, object> names,
            string key,
            Func<string, Parsed<T>> parse,
            SupervisordOptions options,
            Func<SupervisordOptions, T, SupervisordOptions> apply)
        {
            var value = GetExpanded(SupervisordSection, key, names);
            if (value is null)
            {
                return options;
            }

            var parsed = parse(value);
            if (!parsed.IsOk)
            {
                _errors.Add(new ConfigError(SupervisordSection, key, parsed.Error!));
                return options;
            }

            return apply(options, parsed.Value!);
        }

        /// <summary>The expanded value of a key (section or <c>[DEFAULT]</c>), null when absent or when expansion failed (error recorded).</summary>
        private string? GetExpanded(string section, string key, IReadOnlyDictionary<string, object> names)
        {
            var raw = _document.Get(section, key);
            if (raw is null)
            {
                return null;
            }

            var expanded = Interpolation.Expand(raw, names, $"{section}.{key}");
            if (!expanded.IsOk)
            {
                _errors.Add(new ConfigError(section, key, expanded.Error!));
                return null;
            }

            return expanded.Value;
        }

        private List<RpcInterfaceConfig> ReadRpcInterfaces()
        {
            var result = new List<RpcInterfaceConfig>();
            foreach (var section in _document.Sections.Where(s => s.Name.StartsWith("rpcinterface:", StringComparison.Ordinal)))
            {
                var name = section.Name[(section.Name.IndexOf(':') + 1)..];
                var failed = false;
                string? factory = null;
                if (_document.Get(section.Name, FactoryKey) is null)
                {
                    _errors.Add(new ConfigError(section.Name, FactoryKey, $"section [{section.Name}] does not specify a {FactoryKey}"));
                    failed = true;
                }
                else
                {
                    factory = GetExpanded(section.Name, FactoryKey, _environmentNames);
                    failed = factory is null;
                }

                var values = new OrderedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var key in _document.Options(section.Name).Where(k => k != FactoryKey))
                {
                    var value = GetExpanded(section.Name, key, _environmentNames);
                    if (value is null)
                    {
                        failed = true;
                        continue;
                    }

                    values[key] = value;
                }

                if (!failed)
                {
                    result.Add(new RpcInterfaceConfig(section.Name, name, factory!, values, section.File));
                }
            }

            return result;
        }

        private List<InetHttpServerConfig> ReadInetServers()
        {
            var result = new List<InetHttpServerConfig>();
            foreach (var section in _document.Sections.Where(s => s.Name.StartsWith("inet_http_server", StringComparison.Ordinal)))
            {
                var (ok, username, password) = ReadCredentials(section.Name);
                var port = GetExpanded(section.Name, "port", _environmentNames);
                if (port is null)
                {
                    if (_document.Get(section.Name, "port") is null)
                    {
                        _errors.Add(new ConfigError(section.Name, "port", $"section [{section.Name}] has no port value"));
                    }

                    continue;
                }

                var address = ConfigValues.InetAddress(port);
                if (!address.IsOk)
                {
                    _errors.Add(new ConfigError(section.Name, "port", address.Error!));
                    continue;
                }

                if (ok)
                {
                    result.Add(new InetHttpServerConfig(section.Name, NameAfterColon(section.Name), address.Value.Host, address.Value.Port, username, password));
                }
            }

            return result;
        }

        private List<UnixHttpServerConfig> ReadUnixServers()
        {
            var result = new List<UnixHttpServerConfig>();
            foreach (var section in _document.Sections.Where(s => s.Name.StartsWith("unix_http_server", StringComparison.Ordinal)))
            {
                var ok = true;
                var fileNames = Interpolation.Combine(_environmentNames, ("here", _here));
                var file = GetExpanded(section.Name, "file", fileNames);
                if (file is null)
                {
                    ok = false;
                    if (_document.Get(section.Name, "file") is null)
                    {
                        _errors.Add(new ConfigError(section.Name, "file", $"section [{section.Name}] has no file value"));
                    }
                }

                var (credentialsOk, username, password) = ReadCredentials(section.Name);
                ok &= credentialsOk;

                var chownUid = -1;
                var chownGid = -1;
                var chown = GetExpanded(section.Name, "chown", _environmentNames);
                if (chown is not null)
                {
                    var owner = ConfigValues.UserAndGroup(chown);
                    if (owner.IsOk)
                    {
                        (chownUid, chownGid) = owner.Value;
                    }
                    else
                    {
                        _errors.Add(new ConfigError(section.Name, "chown", $"Invalid sockchown value {chown}"));
                        ok = false;
                    }
                }
                else
                {
                    ok &= _document.Get(section.Name, "chown") is null;
                }

                var chmod = Convert.ToInt32("700", 8);
                var chmodText = GetExpanded(section.Name, "chmod", _environmentNames);
                if (chmodText is not null)
                {
                    var mode = ConfigValues.Octal(chmodText);
                    if (mode.IsOk)
                    {
                        chmod = mode.Value;
                    }
                    else
                    {
                        _errors.Add(new ConfigError(section.Name, "chmod", $"Invalid chmod value {chmodText}"));
                        ok = false;
                    }
                }
                else
                {
                    ok &= _document.Get(section.Name, "chmod") is null;
                }

                if (ok)
                {
                    var path = PythonPaths.AbsPath(ConfigValues.ExpandUser(file!.Trim(), environment), workingDirectory);
                    result.Add(new UnixHttpServerConfig(section.Name, NameAfterColon(section.Name), path, chmod, chownUid, chownGid, username, password));
                }
            }

            return result;
        }

        private (bool Ok, string? Username, string? Password) ReadCredentials(string section)
        {
            var rawUsername = _document.Get(section, "username");
            var rawPassword = _document.Get(section, "password");
            var username = GetExpanded(section, "username", _environmentNames);
            var password = GetExpanded(section, "password", _environmentNames);
            if ((rawUsername is not null && username is null) || (rawPassword is not null && password is null))
            {
                return (false, null, null);
            }

            if ((username is null) != (password is null))
            {
                _errors.Add(new ConfigError(
                    section,
                    username is null ? "username" : "password",
                    $"Section [{section}] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified"));
                return (false, null, null);
            }

            return (true, username, password);
        }

        /// <summary>The reference's <c>realize</c>: command line over file, user lookup, absolute log and pid paths.</summary>
        private SupervisordOptions Realize(SupervisordOptions file)
        {
            var options = file with
            {
                Nodaemon = overrides.Nodaemon || file.Nodaemon,
                Silent = overrides.Silent || file.Silent,
                Nocleanup = overrides.Nocleanup || file.Nocleanup,
                StripAnsi = overrides.StripAnsi || file.StripAnsi,
                User = overrides.User ?? file.User,
                Umask = overrides.Umask ?? file.Umask,
                Directory = overrides.Directory ?? file.Directory,
                Logfile = overrides.Logfile ?? file.Logfile,
                LogfileMaxbytes = overrides.LogfileMaxbytes ?? file.LogfileMaxbytes,
                LogfileBackups = overrides.LogfileBackups ?? file.LogfileBackups,
                Loglevel = overrides.Loglevel ?? file.Loglevel,
                Pidfile = overrides.Pidfile ?? file.Pidfile,
                Identifier = overrides.Identifier ?? file.Identifier,
                Childlogdir = overrides.Childlogdir ?? file.Childlogdir,
                Minfds = overrides.Minfds ?? file.Minfds,
                Minprocs = overrides.Minprocs ?? file.Minprocs,
                ProfileOptions = overrides.ProfileOptions ?? file.ProfileOptions,
            };

            if (options.User is not null)
            {
                var uid = ConfigValues.UserId(options.User);
                if (uid.IsOk)
                {
                    options = options with { Uid = uid.Value, Gid = UnixAccounts.PrimaryGidOfUid(uid.Value) };
                }
                else
                {
                    var fromFile = overrides.User is null;
                    _errors.Add(new ConfigError(fromFile ? SupervisordSection : null, fromFile ? "user" : null, uid.Error!));
                }
            }

            if (options.Logfile != "syslog")
            {
                options = options with { Logfile = PythonPaths.AbsPath(ConfigValues.ExpandUser(options.Logfile, environment), workingDirectory) };
            }

            return options with { Pidfile = PythonPaths.AbsPath(ConfigValues.ExpandUser(options.Pidfile, environment), workingDirectory) };
        }

        private static string? NameAfterColon(string section)
        {
            var colon = section.IndexOf(':');
            return colon < 0 ? null : section[(colon + 1)..];
        }
    }
}
