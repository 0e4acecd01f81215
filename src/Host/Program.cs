using System.Globalization;
using System.Runtime.InteropServices;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Http;
using Supervisor.Host.Platform;
using Supervisor.Host.Plugins;
using Supervisor.Host.Processes.Spawning;

namespace Supervisor.Host;

/// <summary>
/// <c>supervisord</c>: parse the command line, read and validate the config (every error reported,
/// exit 2), detach unless <c>-n</c>, then run the daemon until a shutdown.
/// </summary>
internal static class Program
{
    /// <summary>Set in the detached child so it does not detach again.</summary>
    internal const string DetachedMarker = "SUPERVISORD_DOTNET_DETACHED";

    private const int Sigusr2 = 12;

    public static async Task<int> Main(string[] args)
    {
        // Before any socket exists: the socket layer reads it once.
        InlineSocketCompletions.Enable();

        // Cultures are there for plugins that ask for one by name; what the daemon writes (logs, answers,
        // numbers in messages) stays the same whatever LANG says, as it was when the host ran without them.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        var argv0 = Environment.GetCommandLineArgs()[0];
        var command = CommandName();
        var environment = CurrentEnvironment();
        var parsed = CommandLine.Parse(args, environment);
        if (!parsed.Succeeded)
        {
            await Console.Error.WriteAsync(ConfigErrorFormatter.Format(parsed.Errors, command));
            return 2;
        }

        var options = parsed.Options;
        if (options.ShowHelp)
        {
            await Console.Out.WriteAsync(Usage(command));
            return 0;
        }

        if (options.ShowVersion)
        {
            await Console.Out.WriteLineAsync(Supervisord.Version);
            return 0;
        }

        var settings = Load(options, argv0, environment);
        if (settings is null)
        {
            return 2;
        }

        if (!settings.NoDaemon && Environment.GetEnvironmentVariable(DetachedMarker) is null)
        {
            return Detach(args);
        }

        var detached = Environment.GetEnvironmentVariable(DetachedMarker) is not null;
        if (detached)
        {
            // Already a session leader (spawned with POSIX_SPAWN_SETSID); stdio stays on the launcher's
            // pipes until the daemon serves, so start-up errors reach the user's terminal.
            Environment.SetEnvironmentVariable(DetachedMarker, null);
            if (settings.Umask is { } umask)
            {
                Native.Umask(umask);
            }

            if (settings.Directory is { } directory)
            {
                Directory.SetCurrentDirectory(directory);
            }
        }

        var notices = new List<string>();
        var startupError = ResourceLimits.Raise(settings.MinFds, settings.MinProcs, notices) ?? DropPrivileges(settings, notices);
        if (startupError is not null)
        {
            await Console.Error.WriteAsync(ConfigErrorFormatter.Format([new ConfigError(null, null, startupError)], command));
            return 2;
        }

        settings = settings with { Notices = [.. notices.Select(n => (MainLogLevel.Info, n)), .. settings.Notices] };

        var daemon = new Supervisord(() => ConfigLoader.LoadForCommandLine(options, argv0, CurrentEnvironment()), Console.Out, TimeProvider.System);
        UnhandledExceptions.Install(daemon.LogCritical, daemon.CleanUpAfterCrash);
        using var term = Register(PosixSignal.SIGTERM, () => daemon.RequestStopFromSignal(SupervisorState.Shutdown, "SIGTERM"));
        using var interrupt = Register(PosixSignal.SIGINT, () => daemon.RequestStopFromSignal(SupervisorState.Shutdown, "SIGINT"));
        using var quit = Register(PosixSignal.SIGQUIT, () => daemon.RequestStopFromSignal(SupervisorState.Shutdown, "SIGQUIT"));
        using var hangup = Register(PosixSignal.SIGHUP, () => daemon.RequestStopFromSignal(SupervisorState.Restarting, "SIGHUP"));
        using var reopen = Register((PosixSignal)Sigusr2, daemon.ReopenLogs);
        if (detached)
        {
            _ = daemon.Started.ContinueWith(
                started =>
                {
                    if (started.IsCompletedSuccessfully)
                    {
                        Console.Out.WriteLine(ReadyLine);
                        Console.Out.Flush();
                        Native.RedirectStandardStreamsToDevNull();
                    }
                },
                TaskScheduler.Default);
        }

        return await daemon.RunAsync(settings);
    }

    /// <summary>Reads and validates the config; on errors prints them all in the reference's shape and returns null.</summary>
    private static RuntimeSettings? Load(CommandLineOptions options, string argv0, IReadOnlyDictionary<string, string> environment)
    {
        var result = ConfigLoader.LoadForCommandLine(options, argv0, environment);
        if (!result.Succeeded)
        {
            Console.Error.Write(ConfigErrorFormatter.Format(result.Errors, CommandName()));
            return null;
        }

        return ConfigMapping.ToRuntimeSettings(result.Config!, result.Messages);
    }

    /// <summary>
    /// <c>[supervisord] user=</c>: switch to that user before any listener opens, as the reference does.
    /// Returns the reference's error text, or null when there was nothing to do or it worked.
    /// </summary>
    private static string? DropPrivileges(RuntimeSettings settings, List<string> notices)
    {
        if (settings.UserIds is not { } ids || Native.GetUid() == ids.Uid)
        {
            return null;
        }

        if (Native.GetUid() != 0)
        {
            return "Can't drop privilege as nonroot user";
        }

        if (ids.Gid >= 0 && Native.InitGroups(settings.User ?? "", ids.Gid) != 0)
        {
            return "Could not set groups of effective user";
        }

        if (ids.Gid >= 0 && Native.SetGid(ids.Gid) != 0)
        {
            return "Could not set group id of effective user";
        }

        if (Native.SetUid(ids.Uid) != 0)
        {
            return "Could not set user id of effective user";
        }

        notices.Add($"Set uid to user {ids.Uid} succeeded");
        return null;
    }

    private static PosixSignalRegistration Register(PosixSignal signal, Action action) =>
        PosixSignalRegistration.Create(signal, context =>
        {
            // Handled here: the runtime's default would end the process before the daemon stops cleanly.
            context.Cancel = true;
            action();
        });

    /// <summary>
    /// The reference forks into the background after validating the config. .NET cannot fork, so the
    /// daemon starts itself again in a new session (posix_spawn, no System.Diagnostics.Process) and
    /// this first process waits until the second one serves: it exits 0 once the second writes
    /// <see cref="ReadyLine"/> on its stdout pipe, or relays the second's error output and exit status
    /// when it fails to start (a port in use, a plugin that does not load), so the caller still sees
    /// why, as with the reference.
    /// </summary>
    private static unsafe int Detach(string[] args)
    {
        var argv = new List<string> { Environment.ProcessPath! };
        if (!string.Equals(Path.GetFileNameWithoutExtension(Environment.ProcessPath), "supervisord", StringComparison.Ordinal))
        {
            // Running as `dotnet supervisord.dll`: pass the assembly path on.
            argv.Add(Environment.GetCommandLineArgs()[0]);
        }

        argv.AddRange(args);
        var environment = CurrentEnvironment();
        environment[DetachedMarker] = "1";
        var request = new SpawnRequest(
            new ResolvedCommand(Environment.ProcessPath!, argv),
            [.. environment.Select(pair => pair.Key + "=" + pair.Value)],
            Directory: null, Umask: null, Uid: null, Gid: null, UserName: null, RedirectStderr: false)
        {
            NewSession = true,
        };
        var spawned = ChildSpawner.Spawn(request, "supervisord");
        if (spawned.Child is not { } child)
        {
            Console.Error.WriteLine($"Error: could not start the daemon in the background: {spawned.Error}");
            return 2;
        }

        using (child)
        {
            child.Stdin?.Dispose();
            var errors = Task.Run(() => ReadAll(child.Stderr!));
            var output = ReadAll(child.Stdout);
            if (output.Contains(ReadyLine, StringComparison.Ordinal))
            {
                return 0;
            }

            // The daemon ended before serving: show what it said and end as it did.
            Console.Error.Write(errors.Result);
            int status;
            while (NativeProcesses.Waitpid(child.Pid, &status, 0) < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == 4)
            {
                // EINTR: try again.
            }

            var code = WaitStatuses.ExitCode(status);
            return code > 0 ? code : 2;
        }
    }

    /// <summary>Reads a pipe to its end (or, for stdout, to the ready line) with blocking reads.</summary>
    private static string ReadAll(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        NativeIo.SetBlocking((int)handle.DangerousGetHandle());
        using var stream = new FileStream(handle, FileAccess.Read, 1, isAsync: false);
        using var reader = new StreamReader(stream);
        var text = new System.Text.StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            text.Append(line).Append('\n');
            if (line == ReadyLine)
            {
                break;
            }
        }

        return text.ToString();
    }

    /// <summary>What the background daemon writes on its stdout once it serves.</summary>
    internal const string ReadyLine = "supervisord: serving";

    private static Dictionary<string, string> CurrentEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        InlineSocketCompletions.HideFrom(environment);
        return environment;
    }

    /// <summary>
    /// The command as it was run, for usage and "For help, use ... -h", as Supervisor prints its argv[0]:
    /// .NET's argv[0] is the DLL, so it is the executable when one was run (the apphost, as
    /// <c>/usr/bin/supervisord</c> is for 4.2.5) and <c>supervisord</c> under <c>dotnet supervisord.dll</c>.
    /// The config search list still starts from .NET's argv[0].
    /// </summary>
    internal static string CommandName()
    {
        var argv0 = Environment.GetCommandLineArgs()[0];
        if (!argv0.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return argv0;
        }

        var process = Environment.ProcessPath;
        return process is not null && Path.GetFileNameWithoutExtension(process) != "dotnet" ? process : Path.GetFileNameWithoutExtension(argv0);
    }

    private static string Usage(string argv0) => $"""
        supervisord -- run a set of applications as daemons.

        Usage: {argv0} [options]

        Options:
        -c/--configuration FILENAME -- configuration file path (searches if not given)
        -n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)
        -s/--silent -- no logs to stdout (maps to 'silent=true' in config file)
        -h/--help -- print this usage message and exit
        -v/--version -- print supervisord version number and exit
        -u/--user USER -- run supervisord as this user (or numeric uid)
        -m/--umask UMASK -- use this umask for daemon subprocess (default is 022)
        -d/--directory DIRECTORY -- directory to chdir to when daemonized
        -l/--logfile FILENAME -- use FILENAME as logfile path
        -y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile
        -z/--logfile_backups NUM -- number of backups to keep when max bytes reached
        -e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)
        -j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME
        -i/--identifier STR -- identifier used for this instance of supervisord
        -q/--childlogdir DIRECTORY -- the log directory for child process logs
        -k/--nocleanup --  prevent the process from performing cleanup (removal of
                           old automatic child log files) at startup.
        -a/--minfds NUM -- the minimum number of file descriptors for start success
        -t/--strip_ansi -- strip ansi escape codes from process output
        --minprocs NUM  -- the minimum number of processes available for start success
        --profile_options OPTIONS -- run supervisord under profiler and output
                                     results based on OPTIONS, which  is a comma-sep'd
                                     list of 'cumulative', 'calls', and/or 'callers',
                                     e.g. 'cumulative,callers')

        """;
}
