using Supervisor.Ctl.Transport;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl;

/// <summary>shutdown, reload, version, open, quit/exit/EOF and help.</summary>
internal sealed partial class Controller
{
    /// <summary>The reference's default commands as <c>help</c> lists them (<c>EOF</c> is not listed there either).</summary>
    private static readonly string[] ListedCommands =
        ["add", "avail", "clear", "exit", "fg", "maintail", "open", "pid", "quit", "reload", "remove", "reread", "restart", "shutdown", "signal", "start", "status", "stop", "tail", "update", "version"];

    private Dictionary<string, Command> DefaultCommands() => new(StringComparer.Ordinal)
    {
        ["add"] = new(Add, HelpAdd),
        ["avail"] = new(Avail, HelpAvail),
        ["call"] = new(_ => false, HelpCall),
        ["clear"] = new(Clear, HelpClear),
        ["exit"] = new(Quit, () => Output("exit\tExit the supervisor shell.")),
        ["fg"] = new(Foreground, HelpForeground),
        ["maintail"] = new(MainTail, HelpMainTail),
        ["open"] = new(Open, HelpOpen),
        ["pid"] = new(Pid, HelpPid),
        ["quit"] = new(Quit, () => Output("quit\tExit the supervisor shell.")),
        ["reload"] = new(Reload, HelpReload),
        ["remove"] = new(Remove, HelpRemove),
        ["reread"] = new(Reread, HelpReread),
        ["restart"] = new(Restart, HelpRestart),
        ["shutdown"] = new(Shutdown, HelpShutdown),
        ["signal"] = new(Signal, HelpSignal),
        ["start"] = new(Start, HelpStart),
        ["status"] = new(Status, HelpStatus),
        ["stop"] = new(Stop, HelpStop),
        ["tail"] = new(Tail, HelpTail),
        ["update"] = new(Update, HelpUpdate),
        ["version"] = new(Version, HelpVersion),
        ["help"] = new(Help, HelpHelp),
        // Not in help's list (nor in the reference's), but a command all the same: the shell's end of input.
        ["EOF"] = new(EndOfInput, () => { }),
    };

    private bool Quit(string argument) => EndOfInput(argument);

    private bool EndOfInput(string argument)
    {
        Output("");
        return true;
    }

    /// <summary>Asks a yes/no question in the shell (any answer starting with y or Y is yes).</summary>
    private bool Confirm(string question)
    {
        if (!Options.Interactive)
        {
            return true;
        }

        Out.Write(question);
        Out.Flush();
        var answer = In.ReadLine();
        return answer is not null && answer.StartsWith('y') || answer is not null && answer.StartsWith('Y');
    }

    private bool Shutdown(string argument)
    {
        if (!NoArguments("shutdown", argument, HelpShutdown) || !Confirm("Really shut the remote supervisord process down y/N? "))
        {
            return false;
        }

        var supervisor = Supervisor();
        try
        {
            supervisor.Call("supervisor.shutdown");
        }
        catch (XmlRpcFault e)
        {
            if (e.Code != Faults.ShutdownState)
            {
                ExitStatus = Ctl.ExitStatus.Generic;
                throw;
            }

            Output("ERROR: already shutting down");
            return false;
        }
        catch (SocketFailure e)
        {
            ExitStatus = Ctl.ExitStatus.Generic;
            switch (e.Errno)
            {
                case SocketFailure.Econnrefused:
                    Output($"ERROR: {Options.ServerUrl} refused connection (already shut down?)");
                    return false;
                case SocketFailure.Enoent:
                    Output($"ERROR: {Options.ServerUrl} no such file (already shut down?)");
                    return false;
                default:
                    throw;
            }
        }

        Output("Shut down");
        return false;
    }

    private void HelpShutdown() => Output("shutdown \tShut the remote supervisord down.");

    private bool Reload(string argument)
    {
        if (!NoArguments("reload", argument, HelpReload) || !Confirm("Really restart the remote supervisord process y/N? "))
        {
            return false;
        }

        try
        {
            Supervisor().Call("supervisor.restart");
        }
        catch (XmlRpcFault e)
        {
            ExitStatus = Ctl.ExitStatus.Generic;
            if (e.Code != Faults.ShutdownState)
            {
                throw;
            }

            Output("ERROR: already shutting down");
            return false;
        }

        Output("Restarted supervisord");
        return false;
    }

    private void HelpReload() => Output("reload \t\tRestart the remote supervisord.");

    private bool Version(string argument)
    {
        if (!NoArguments("version", argument, HelpVersion) || !UpcheckThen("supervisor.getSupervisorVersion", out var version))
        {
            return false;
        }

        Output(Values.Text(version));
        return false;
    }

    private void HelpVersion() => Output("version\t\t\tShow the version of the remote supervisord process");

    private bool Open(string argument)
    {
        var url = argument.Trim();
        if (UrlScheme(url) is not ("unix" or "http"))
        {
            Output("ERROR: url must be http:// or unix://");
            ExitStatus = Ctl.ExitStatus.Generic;
            return false;
        }

        Options.ServerUrl = url;
        Reconnect();
        var before = ExitStatus;
        Status("");
        ExitStatus = before;
        return false;
    }

    private void HelpOpen()
    {
        Output("open <url>\tConnect to a remote supervisord process.");
        Output("\t\t(for UNIX domain socket, use unix:///socket/path)");
    }

    /// <summary>Python's <c>urlparse(url).scheme</c>: the lower-cased text before the first colon, when it is a valid scheme.</summary>
    private static string UrlScheme(string url)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !char.IsAsciiLetter(url[0]) || url[..colon].Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')))
        {
            return "";
        }

        return url[..colon].ToLowerInvariant();
    }

    private bool Help(string argument)
    {
        if (argument == "help")
        {
            HelpHelp();
            return false;
        }

        if (argument.Length == 0)
        {
            Output("");
            PrintTopics("default commands (type help <topic>):", ListedCommands);
            Output("");
            PrintTopics("rpc commands (type help <topic>, or help <namespace> for its methods):", ["call"]);
            return false;
        }

        if (_commands.TryGetValue(argument, out var command) && argument != "EOF")
        {
            command.Help();
            return false;
        }

        if (!HelpNamespace(argument))
        {
            Output($"*** No help on {argument}");
        }

        return false;
    }

    private void HelpHelp()
    {
        Output("help\t\tPrint a list of available actions");
        Output("help <action>\tPrint help for <action>");
    }

    /// <summary>Python's <c>cmd.Cmd.print_topics</c> and <c>columnize</c> (80 columns): a header, a ruler, names in columns.</summary>
    private void PrintTopics(string header, IReadOnlyList<string> names)
    {
        Output(header);
        Output(new string('=', header.Length));
        const int Width = 79;
        int rows = names.Count, columns = 1;
        var widths = new List<int> { names.Count == 0 ? 0 : names.Max(n => n.Length) };
        for (var tryRows = 1; tryRows < names.Count; tryRows++)
        {
            var tryColumns = (names.Count + tryRows - 1) / tryRows;
            var tryWidths = new List<int>();
            var total = -2;
            for (var column = 0; column < tryColumns; column++)
            {
                var width = 0;
                for (var row = 0; row < tryRows && row + (tryRows * column) < names.Count; row++)
                {
                    width = Math.Max(width, names[row + (tryRows * column)].Length);
                }

                tryWidths.Add(width);
                total += width + 2;
                if (total > Width)
                {
                    break;
                }
            }

            if (total <= Width)
            {
                (rows, columns, widths) = (tryRows, tryColumns, tryWidths);
                break;
            }
        }

        for (var row = 0; row < rows; row++)
        {
            var texts = new List<string>();
            for (var column = 0; column < columns; column++)
            {
                var index = row + (rows * column);
                texts.Add(index < names.Count ? names[index] : "");
            }

            while (texts.Count > 0 && texts[^1].Length == 0)
            {
                texts.RemoveAt(texts.Count - 1);
            }

            Output(string.Join("  ", texts.Select((text, column) => text.PadRight(widths[column]))));
        }

        Output("");
    }
}
