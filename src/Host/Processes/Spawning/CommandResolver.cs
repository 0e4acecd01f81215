using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Spawning;

internal enum CommandProblem
{
    None,
    NoFile,
    NotExecutable,
}

/// <summary>The file to execute and the argument vector (argv[0] is the program word as written).</summary>
internal sealed record ResolvedCommand(string Path, IReadOnlyList<string> Argv);

/// <summary>Either a command or the reference's spawnerr text with the fault class it maps to.</summary>
internal sealed record CommandResolution(ResolvedCommand? Command, CommandProblem Problem, string? Error);

/// <summary>
/// The reference's <c>Subprocess.get_execv_args</c> (<c>supervisor/process.py</c>) and
/// <c>ServerOptions.check_execv_args</c> (<c>supervisor/options.py</c>), done in the daemon before anything
/// is spawned.
/// </summary>
internal static class CommandResolver
{
    private static readonly string[] DefaultPath = ["/bin", "/usr/bin", "/usr/local/bin"];

    public static CommandResolution Resolve(
        string command,
        IReadOnlyDictionary<string, string> programEnvironment,
        IReadOnlyDictionary<string, string> daemonEnvironment)
    {
        var argv = ShellWords.Split(command, out var parseError);
        if (parseError is not null)
        {
            return Problem(CommandProblem.NotExecutable, $"can't parse command {PythonText.Repr(command)}: {parseError}");
        }

        if (argv.Count == 0)
        {
            return Problem(CommandProblem.NotExecutable, "command is empty");
        }

        var program = argv[0];
        var filename = program;
        int? mode = null;
        if (program.Contains('/'))
        {
            mode = StatMode(program);
        }
        else
        {
            foreach (var directory in SearchPath(programEnvironment, daemonEnvironment))
            {
                var found = PythonPaths.Join(directory, program);
                mode = StatMode(found);
                if (mode is not null)
                {
                    // The first entry that exists wins, executable or not, as in the reference.
                    filename = found;
                    break;
                }
            }
        }

        if (mode is not int fileMode)
        {
            return Problem(CommandProblem.NoFile, $"can't find command {PythonText.Repr(filename)}");
        }

        if ((fileMode & 0xf000) == 0x4000)
        {
            return Problem(CommandProblem.NotExecutable, $"command at {PythonText.Repr(filename)} is a directory");
        }

        if ((fileMode & 0x49) == 0)
        {
            return Problem(CommandProblem.NotExecutable, $"command at {PythonText.Repr(filename)} is not executable");
        }

        if (!CanExecute(filename))
        {
            return Problem(CommandProblem.NotExecutable, $"no permission to run command {PythonText.Repr(filename)}");
        }

        return new CommandResolution(new ResolvedCommand(filename, argv), CommandProblem.None, null);
    }

    /// <summary>
    /// The program's merged environment decides when it sets PATH (even to an empty value); otherwise the
    /// daemon's own PATH when not empty; otherwise the reference's fixed list.
    /// </summary>
    private static IEnumerable<string> SearchPath(
        IReadOnlyDictionary<string, string> programEnvironment,
        IReadOnlyDictionary<string, string> daemonEnvironment)
    {
        if (programEnvironment.TryGetValue("PATH", out var programPath))
        {
            return programPath.Split(':');
        }

        if (daemonEnvironment.TryGetValue("PATH", out var daemonPath) && daemonPath.Length > 0)
        {
            return daemonPath.Split(':');
        }

        return DefaultPath;
    }

    private static CommandResolution Problem(CommandProblem problem, string error) => new(null, problem, error);

    /// <summary>stat() (following links) as Python's <c>os.stat</c>: the mode, or null on any error.</summary>
    private static unsafe int? StatMode(string path)
    {
        var bytes = Terminated(path);
        var buffer = stackalloc byte[256];
        fixed (byte* p = bytes)
        {
            if (NativeProcesses.Statx(NativeProcesses.AtFdcwd, p, 0, NativeProcesses.StatxMode, buffer) != 0)
            {
                return null;
            }
        }

        return *(ushort*)(buffer + 28);
    }

    private static unsafe bool CanExecute(string path)
    {
        var bytes = Terminated(path);
        fixed (byte* p = bytes)
        {
            return NativeProcesses.Access(p, NativeProcesses.XOk) == 0;
        }
    }

    internal static byte[] Terminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
