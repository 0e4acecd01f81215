using System.Globalization;
using System.Runtime.InteropServices;
using Supervisor.Abstractions;
using Supervisor.Ctl.Transport;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl;

/// <summary>tail, maintail and fg: log reads through XML-RPC, and the endless <c>/logtail</c> streams.</summary>
internal sealed partial class Controller
{
    private bool Tail(string argument)
    {
        if (!Upcheck())
        {
            return false;
        }

        var args = Words(argument).ToList();
        if (args.Count is < 1 or > 3)
        {
            Output(args.Count < 1 ? "Error: too few arguments" : "Error: too many arguments");
            ExitStatus = Ctl.ExitStatus.Generic;
            HelpTail();
            return false;
        }

        string? modifier = null;
        if (args[0].StartsWith('-'))
        {
            modifier = args[0];
            args.RemoveAt(0);
        }

        string name, channel;
        if (args.Count == 1)
        {
            (name, channel) = (args[0], "stdout");
        }
        else if (args.Count > 0)
        {
            (name, channel) = (args[0], args[^1].ToLowerInvariant());
            if (channel is not ("stderr" or "stdout"))
            {
                Output($"Error: bad channel {PythonText.Repr(channel)}");
                ExitStatus = Ctl.ExitStatus.Generic;
                return false;
            }
        }
        else
        {
            Output("Error: tail requires process name");
            ExitStatus = Ctl.ExitStatus.Generic;
            return false;
        }

        long? bytes = 1600;
        if (modifier is not null)
        {
            var what = modifier[1..];
            if (what == "f")
            {
                bytes = null;
            }
            else if (PythonInt(what) is { } count)
            {
                bytes = count;
            }
            else
            {
                Output($"Error: bad argument {modifier}");
                ExitStatus = Ctl.ExitStatus.Generic;
                return false;
            }
        }

        var supervisor = Supervisor();
        if (bytes is not { } length)
        {
            Follow($"/logtail/{name}/{channel}");
            return false;
        }

        try
        {
            var method = channel == "stdout" ? "supervisor.readProcessStdoutLog" : "supervisor.readProcessStderrLog";
            Output(Values.Text(supervisor.Call(method, name, -length, 0)));
        }
        catch (XmlRpcFault e)
        {
            ExitStatus = Ctl.ExitStatus.Generic;
            var reason = e.Code switch
            {
                Faults.NoFile => "no log file",
                Faults.Failed => "unknown error reading log",
                Faults.BadName => "no such process name",
                _ => null,
            };
            if (reason is null)
            {
                throw;
            }

            Output($"{name}: ERROR ({reason})");
        }

        return false;
    }

    private void HelpTail() => Output(
        "tail [-f] <name> [stdout|stderr] (default stdout)\nEx:\ntail -f <name>\t\tContinuous tail of named process stdout\n\t\t\tCtrl-C to exit.\n" +
        "tail -100 <name>\tlast 100 *bytes* of process stdout\ntail <name> stderr\tlast 1600 *bytes* of process stderr");

    private bool MainTail(string argument)
    {
        if (!Upcheck())
        {
            return false;
        }

        var args = Words(argument);
        long length = 1600;
        if (args.Length > 1)
        {
            Output("Error: too many arguments");
            ExitStatus = Ctl.ExitStatus.Generic;
            HelpMainTail();
            return false;
        }

        if (args.Length == 1)
        {
            if (args[0] == "-f")
            {
                Follow("/mainlogtail");
                return false;
            }

            if (!args[0].StartsWith('-') || PythonInt(args[0][1..]) is not { } count)
            {
                Output($"Error: bad argument {args[0]}");
                ExitStatus = Ctl.ExitStatus.Generic;
                return false;
            }

            length = count;
        }

        try
        {
            Output(Values.Text(Supervisor().Call("supervisor.readLog", -length, 0)));
        }
        catch (XmlRpcFault e)
        {
            ExitStatus = Ctl.ExitStatus.Generic;
            var reason = e.Code switch
            {
                Faults.NoFile => "no log file",
                Faults.Failed => "unknown error reading log",
                _ => null,
            };
            if (reason is null)
            {
                throw;
            }

            Output($"supervisord: ERROR ({reason})");
        }

        return false;
    }

    private void HelpMainTail() => Output(
        "maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\nmaintail -100\tlast 100 *bytes* of supervisord main log file\nmaintail\tlast 1600 *bytes* of supervisor main log file\n");

    /// <summary>
    /// Copies an endless log stream to stdout until Ctrl-C (then an empty line, as the reference
    /// prints) or until the daemon ends it. A refusal is reported on stderr as the reference's
    /// HTTP client reports it: <c>URL Cannot read, status code 404</c>.
    /// </summary>
    private void Follow(string path)
    {
        Output("==> Press Ctrl-C to exit <==");
        Out.Flush();
        var url = ServerUrl.Parse(Options.ServerUrl)!;
        var fullUrl = Options.ServerUrl + path;
        // The stream sends credentials whenever a password is set, as the reference's http_client does.
        using var connection = new HttpConnection(url, string.IsNullOrEmpty(Options.Password) ? null : ServerProxy.Basic(Options.Username ?? "", Options.Password));
        var interrupted = false;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            interrupted = true;
            connection.Abort();
        });
        try
        {
            var status = connection.Stream(path, Out.WriteRaw);
            if (status != 200 && !interrupted)
            {
                Console.Error.WriteLine($"{fullUrl} Cannot read, status code {status.ToString(CultureInfo.InvariantCulture)}");
            }
        }
        catch (Exception e) when (e is PythonException or EndOfStreamException or ObjectDisposedException)
        {
            if (!interrupted && e is PythonException python)
            {
                Console.Error.WriteLine($"{fullUrl} Cannot connect, error: <class '{python.PythonClass}'> ({python.Message})");
            }
        }

        if (interrupted)
        {
            Output("");
        }
    }

    /// <summary>Python's <c>int(text)</c> for byte counts: surrounding whitespace, a sign, digits with single underscores between them.</summary>
    private static long? PythonInt(string text)
    {
        var trimmed = text.Trim();
        var digits = trimmed.StartsWith('+') || trimmed.StartsWith('-') ? trimmed[1..] : trimmed;
        if (digits.Length == 0 || digits[0] == '_' || digits[^1] == '_' || digits.Contains("__", StringComparison.Ordinal)
            || !digits.All(c => char.IsAsciiDigit(c) || c == '_'))
        {
            return null;
        }

        return long.TryParse(trimmed.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private bool Foreground(string argument)
    {
        if (!Upcheck())
        {
            return false;
        }

        var names = Words(argument);
        if (names.Length == 0)
        {
            Output("ERROR: no process name supplied");
            ExitStatus = Ctl.ExitStatus.Generic;
            HelpForeground();
            return false;
        }

        if (names.Length > 1)
        {
            Output("ERROR: too many process names supplied");
            ExitStatus = Ctl.ExitStatus.Generic;
            return false;
        }

        var name = names[0];
        var supervisor = Supervisor();
        IReadOnlyDictionary<string, object?> info;
        try
        {
            info = Values.Struct(supervisor.Call("supervisor.getProcessInfo", name));
        }
        catch (XmlRpcFault e)
        {
            if (e.Code == Faults.BadName)
            {
                Output("ERROR: bad process name supplied");
                ExitStatus = Ctl.ExitStatus.Generic;
            }
            else
            {
                Output("ERROR: " + e.Message);
            }

            return false;
        }

        if (info.Int("state") != ProcessStates.Running)
        {
            Output("ERROR: process not running");
            ExitStatus = Ctl.ExitStatus.Generic;
            return false;
        }

        Output("==> Press Ctrl-C to exit <==");
        Out.Flush();
        var url = ServerUrl.Parse(Options.ServerUrl)!;
        var authorization = string.IsNullOrEmpty(Options.Password) ? null : ServerProxy.Basic(Options.Username ?? "", Options.Password);
        var streams = new[] { new HttpConnection(url, authorization), new HttpConnection(url, authorization) };
        var writeLock = new object();
        var threads = new[] { "stdout", "stderr" }.Select((channel, i) => new Thread(() =>
        {
            try
            {
                streams[i].Stream($"/logtail/{name}/{channel}", bytes =>
                {
                    lock (writeLock)
                    {
                        Out.WriteRaw(bytes);
                    }
                });
            }
            catch (Exception e) when (e is PythonException or EndOfStreamException or ObjectDisposedException)
            {
                // The stream ends when fg ends.
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());

        // On a terminal the line editor reads the input and sees Ctrl-C as a key, so fg ends and the shell goes
        // on, as the reference's KeyboardInterrupt does. Without one (input from a pipe) nothing can interrupt the
        // blocking read: SIGINT ends the client there.
        using var sigint = Editor is not null ? null : PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            lock (writeLock)
            {
                Output("Exiting foreground");
                Out.Flush();
            }

            Environment.Exit(Options.Args.Count > 0 ? ExitStatus : 0);
        });
        try
        {
            while (true)
            {
                string? line;
                try
                {
                    line = Editor is not null ? Editor.ReadLine("", Completion()) : In.ReadLine();
                }
                catch (LineEditing.KeyboardInterruptException)
                {
                    break;
                }

                if (line is null)
                {
                    break;
                }

                try
                {
                    supervisor.Call("supervisor.sendProcessStdin", name, line + "\n");
                }
                catch (XmlRpcFault e)
                {
                    lock (writeLock)
                    {
                        Output(e.Code == Faults.NotRunning ? "Process got killed" : "ERROR: " + e.Message);
                        Output("Exiting foreground");
                    }

                    return false;
                }

                if (Values.Struct(supervisor.Call("supervisor.getProcessInfo", name)).Int("state") != ProcessStates.Running)
                {
                    lock (writeLock)
                    {
                        Output("Process got killed");
                        Output("Exiting foreground");
                    }

                    return false;
                }
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                stream.Abort();
                stream.Dispose();
            }
        }

        lock (writeLock)
        {
            Output("Exiting foreground");
        }

        return false;
    }

    private void HelpForeground()
    {
        Output("fg <process>\tConnect to a process in foreground mode");
        Output("\t\tCtrl-C to exit");
    }
}
