using Supervisor.Ctl;
using Supervisor.Ctl.Options;

// supervisorctl [options] [action [arguments]]: one action and its exit status, or the shell.
Profile.Mark("main");
var programName = ProgramName();
ClientOptions options;
try
{
    options = ClientOptions.Realize(args, programName);
    Profile.Mark("options and config file");
}
catch (UsageException e)
{
    Console.Error.Write($"Error: {e.Message}\nFor help, use {programName} -h\n");
    return 2;
}

using var output = new Output(Console.OpenStandardOutput());
if (options.HelpRequested)
{
    output.Write(Usage.Text(programName));
    return 0;
}

using var controller = new Controller(options, output, () => Console.In);
if (options.Args.Count > 0)
{
    controller.RunOnce(options.Args);
    Profile.Mark("command");
    output.Flush();
    Profile.Mark("output written");
    return controller.ExitStatus;
}

Shell.Run(controller);
output.Flush();
return 0;

// The reference names itself by its script's path, which is what PATH resolved; so do we.
static string ProgramName()
{
    var argv0 = Environment.GetCommandLineArgs()[0];
    if (argv0.Contains('/', StringComparison.Ordinal))
    {
        return argv0;
    }

    foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
    {
        var candidate = Path.Combine(directory, argv0);
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    return Environment.ProcessPath ?? argv0;
}
