using Supervisor.Ctl.Options;
using Supervisor.Ctl.Transport;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl;

/// <summary>
/// Runs command lines as the reference's <c>Controller</c> does (supervisorctl.py): parses the line,
/// finds the command, keeps the exit status, answers a 401 and prints any error a command does not
/// handle as <c>error: &lt;class 'T'&gt;, V</c>.
/// </summary>
internal sealed partial class Controller : IDisposable
{
    private readonly Dictionary<string, Command> _commands;
    private ServerProxy? _proxy;

    private readonly Func<TextReader> _openInput;
    private TextReader? _in;

    /// <param name="openInput">
    /// Opens stdin when a command first reads it: <see cref="Console.In"/> sets up the terminal and starts a
    /// signal-handling thread, which a one-shot <c>status</c> has no use for.
    /// </param>
    public Controller(ClientOptions options, Output output, Func<TextReader> openInput)
    {
        Options = options;
        Out = output;
        _openInput = openInput;
        _commands = DefaultCommands();
    }

    public ClientOptions Options { get; }

    public Output Out { get; }

    public TextReader In => _in ??= _openInput();

    public int ExitStatus { get; set; }

    /// <summary>The shell's line editor when it runs on a terminal; <c>fg</c> reads the process's input with it too.</summary>
    public LineEditing.LineEditor? Editor { get; set; }

    /// <summary>A command: what it does with its argument text (true ends the shell), and its help.</summary>
    private sealed record Command(Func<string, bool> Run, Action Help);

    /// <summary>The proxy for the current URL and credentials (the reference makes one per call site; one connection serves all here).</summary>
    public ServerProxy Supervisor()
    {
        return _proxy ??= NewProxy();
    }

    /// <summary>A proxy on a connection of its own, for the current URL and credentials.</summary>
    public ServerProxy NewProxy()
    {
        var url = ServerUrl.Parse(Options.ServerUrl) ?? throw new PythonException("ValueError", $"Unknown protocol for serverurl {Options.ServerUrl}");
        return new ServerProxy(url, Options.Username, Options.Password);
    }

    /// <summary>Forgets the connection (the URL or the credentials changed).</summary>
    public void Reconnect()
    {
        _proxy?.Dispose();
        _proxy = null;
    }

    public void Output(string message) => Out.Line(message);

    /// <summary>Runs the words given on the command line once. <c>call</c> keeps its words as given, so JSON arguments may hold spaces.</summary>
    public void RunOnce(IReadOnlyList<string> words)
    {
        if (words.Count > 0 && words[0] == "call")
        {
            Guarded(string.Join(' ', words), () => Call(words.Skip(1).ToList()));
            return;
        }

        OneCmd(string.Join(' ', words));
    }

    /// <summary>Runs one line; true when the shell should end.</summary>
    public bool OneCmd(string text)
    {
        var (name, argument, line) = ParseLine(text);
        if (line.Length == 0)
        {
            return false;
        }

        if (string.IsNullOrEmpty(name) || !_commands.TryGetValue(name, out var command))
        {
            Default(line);
            return false;
        }

        if (name == "call")
        {
            return Guarded(line, () => Call(ShellWords.Split(argument)));
        }

        return Guarded(line, () => command.Run(argument));
    }

    public void Dispose() => _proxy?.Dispose();

    /// <summary>
    /// Tab's candidates for one line: the commands but <c>EOF</c> (the reference's vocabulary is its plugins'
    /// commands and <c>help</c>), and the server's processes and methods, asked for at most once per line (the
    /// reference forgets its cache at each command, <c>Controller.onecmd</c>).
    /// </summary>
    public LineEditing.Completion Completion() => new(
        [.. _commands.Keys.Where(name => name != "EOF").Order(StringComparer.Ordinal)],
        () => [.. Values.List(Supervisor().Call("supervisor.getAllProcessInfo")).Select(Values.Struct).Select(i => (i.Str("group"), i.Str("name")))],
        () => [.. Values.List(Supervisor().Call("system.listMethods")).Select(Values.Text)]);

    /// <summary>
    /// The reference's <c>onecmd</c> error handling: a 401 prints <c>Server requires authentication</c>
    /// (the shell asks for credentials and tries again; a one-shot run runs the command once more and
    /// prints that run's error, as 4.2.5 does); anything else a command does not handle is printed.
    /// </summary>
    private bool Guarded(string line, Func<bool> run)
    {
        try
        {
            try
            {
                return run();
            }
            catch (ProtocolError e) when (e.Status == 401)
            {
                Output("Server requires authentication");
                if (Options.Interactive)
                {
                    Out.Write("Username:");
                    Out.Flush();
                    Options.Username = In.ReadLine() ?? "";
                    Options.Password = Terminal.ReadPassword("Password:", In);
                    Output("");
                    Reconnect();
                    return OneCmd(line);
                }

                ExitStatus = Ctl.ExitStatus.Generic;
            }
            catch (ProtocolError)
            {
                ExitStatus = Ctl.ExitStatus.Generic;
                throw;
            }

            return run();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var (pythonClass, message) = e switch
            {
                PythonException python => (python.PythonClass, python.Message),
                EndOfStreamException => ("http.client.RemoteDisconnected", "Remote end closed connection without response"),
                _ => (e.GetType().Name, e.Message),
            };
            Output($"error: <class '{pythonClass}'>, {message}");
            ExitStatus = Ctl.ExitStatus.Generic;
            return false;
        }
    }

    /// <summary>An unknown command or a line that names none.</summary>
    private void Default(string line)
    {
        Output($"*** Unknown syntax: {line}");
        ExitStatus = Ctl.ExitStatus.Generic;
    }

    /// <summary>
    /// Python's <c>cmd.Cmd.parseline</c>: strips the line, <c>?</c> means <c>help</c>, the command is
    /// the leading run of letters, digits and underscores, the argument the stripped rest.
    /// </summary>
    internal static (string? Name, string Argument, string Line) ParseLine(string text)
    {
        var line = text.Trim();
        if (line.Length == 0)
        {
            return (null, "", line);
        }

        if (line[0] == '?')
        {
            line = "help " + line[1..];
        }
        else if (line[0] == '!')
        {
            return (null, "", line);
        }

        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_'))
        {
            i++;
        }

        return (line[..i], line[i..].Trim(), line);
    }

    /// <summary>
    /// The reference's <c>upcheck</c>: asks <c>supervisor.getVersion</c> and explains a refused
    /// connection, a missing socket, an unknown namespace or another API version.
    /// </summary>
    public bool Upcheck()
    {
        try
        {
            var api = Supervisor().Call("supervisor.getVersion");
            if (api is not "3.0")
            {
                Output($"Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, but the remote version is {Values.Text(api)}.");
                ExitStatus = Ctl.ExitStatus.NotInstalled;
                return false;
            }
        }
        catch (XmlRpcFault e)
        {
            if (e.Code == Faults.UnknownMethod)
            {
                Output("Sorry, supervisord responded but did not recognize the supervisor namespace commands that supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is enabled in the configuration file (see sample.conf).");
                ExitStatus = Ctl.ExitStatus.UnimplementedFeature;
                return false;
            }

            ExitStatus = Ctl.ExitStatus.Generic;
            throw;
        }
        catch (SocketFailure e)
        {
            if (ExplainConnectionFailure(e))
            {
                return false;
            }

            ExitStatus = Ctl.ExitStatus.Generic;
            throw;
        }

        return true;
    }

    /// <summary>
    /// <see cref="Upcheck"/> and then <paramref name="method"/> (no arguments) in one round trip: one
    /// <c>system.multicall</c> of both, whose two outcomes are taken as the two calls' would be, so the output and
    /// exit status are the reference's in every case. When the multicall itself fails (no <c>system</c>
    /// namespace, a refused connection, a 401, an answer of another shape) the two calls are made one after
    /// the other as the reference makes them, and that answers. False when the upcheck printed why it failed.
    /// </summary>
    public bool UpcheckThen(string method, out object? result)
    {
        IReadOnlyList<object?> outcomes;
        try
        {
            var calls = new List<object?>
            {
                new Dictionary<string, object?> { ["methodName"] = "supervisor.getVersion", ["params"] = new List<object?>() },
                new Dictionary<string, object?> { ["methodName"] = method, ["params"] = new List<object?>() },
            };
            outcomes = Supervisor().Call("system.multicall", calls) as IReadOnlyList<object?> ?? [];
        }
        catch (Exception e) when (e is PythonException or EndOfStreamException)
        {
            outcomes = [];
        }

        // Ours wraps each result in a one-element array (the multicall's documented shape); 4.2.5 returns it
        // bare. The upcheck's answer tells which: the API version is a string, bare or in an array.
        var bare = outcomes.Count == 2 && outcomes[0] is string;
        if (!bare && (outcomes.Count != 2 || !IsOutcome(outcomes[0]) || !IsOutcome(outcomes[1])))
        {
            result = null;
            if (!Upcheck())
            {
                return false;
            }

            result = Supervisor().Call(method);
            return true;
        }

        try
        {
            var api = Unwrap(outcomes[0], bare);
            if (api is not "3.0")
            {
                Output($"Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, but the remote version is {Values.Text(api)}.");
                ExitStatus = Ctl.ExitStatus.NotInstalled;
                result = null;
                return false;
            }
        }
        catch (XmlRpcFault e)
        {
            if (e.Code == Faults.UnknownMethod)
            {
                Output("Sorry, supervisord responded but did not recognize the supervisor namespace commands that supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is enabled in the configuration file (see sample.conf).");
                ExitStatus = Ctl.ExitStatus.UnimplementedFeature;
                result = null;
                return false;
            }

            ExitStatus = Ctl.ExitStatus.Generic;
            throw;
        }

        result = Unwrap(outcomes[1], bare);
        return true;

        // A multicall outcome is the result in a one-element array, or a fault's struct.
        static bool IsOutcome(object? outcome) => outcome is IReadOnlyList<object?> { Count: 1 } || IsFault(outcome);

        static bool IsFault(object? outcome) =>
            outcome is IReadOnlyDictionary<string, object?> fault && fault.ContainsKey("faultCode") && fault.ContainsKey("faultString");

        static object? Unwrap(object? outcome, bool bare) => IsFault(outcome)
            ? throw new XmlRpcFault((int)Values.Struct(outcome).Int("faultCode"), Values.Struct(outcome).Str("faultString"))
            : bare ? outcome : ((IReadOnlyList<object?>)outcome!)[0];
    }

    /// <summary>Prints the upcheck's words for a refused connection (exit 4) or a missing socket (exit 7); false for other failures.</summary>
    private bool ExplainConnectionFailure(SocketFailure e)
    {
        switch (e.Errno)
        {
            case SocketFailure.Econnrefused:
                Output($"{Options.ServerUrl} refused connection");
                ExitStatus = Ctl.ExitStatus.InsufficientPrivileges;
                return true;
            case SocketFailure.Enoent:
                Output($"{Options.ServerUrl} no such file");
                ExitStatus = Ctl.ExitStatus.NotRunning;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The reference's <c>set_exitstatus_from_xmlrpc_fault</c>.</summary>
    private void SetExitStatusFromFault(long code, long? ignored = null)
    {
        if (code == ignored || code == Faults.Success)
        {
            return;
        }

        ExitStatus = code is Faults.SpawnError or Faults.AbnormalTermination or Faults.NotRunning
            ? Ctl.ExitStatus.NotRunning
            : Ctl.ExitStatus.Generic;
    }

    /// <summary>Python's <c>str.split()</c>: words separated by runs of whitespace.</summary>
    private static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The reference's <c>make_namespec</c>: <c>group:name</c>, or <c>name</c> alone when both are equal.</summary>
    private static string Namespec(string group, string? name) => group == name ? name : $"{group}:{name ?? "None"}";

    /// <summary>The reference's <c>split_namespec</c>: <c>group:*</c> and <c>group:</c> have no process name.</summary>
    private static (string Group, string? Process) SplitNamespec(string namespec)
    {
        var colon = namespec.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return (namespec, namespec);
        }

        var process = namespec[(colon + 1)..];
        return (namespec[..colon], process.Length == 0 || process == "*" ? null : process);
    }
}
