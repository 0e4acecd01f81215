using System.Globalization;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl;

/// <summary>status, pid, start, stop, restart, signal, clear: supervisorctl.py's <c>DefaultControllerPlugin</c>, same words and exit statuses.</summary>
internal sealed partial class Controller
{
    private bool Status(string argument)
    {
        if (!UpcheckThen("supervisor.getAllProcessInfo", out var answer))
        {
            // The reference overrides whatever upcheck set: status answers 4 when it cannot ask.
            ExitStatus = Ctl.ExitStatus.StatusUnknown;
            return false;
        }

        var all = Values.List(answer).Select(Values.Struct).ToList();
        var names = Words(argument);
        List<IReadOnlyDictionary<string, object?>> matching;
        if (names.Length == 0 || names.Contains("all"))
        {
            matching = all;
        }
        else
        {
            matching = [];
            foreach (var name in names)
            {
                var (group, process) = SplitNamespec(name);
                var found = false;
                foreach (var info in all)
                {
                    if (info.Str("group") == group && (process is null || info.Str("name") == process))
                    {
                        found = true;
                        matching.Add(info);
                    }
                }

                if (!found)
                {
                    Output(process is null ? $"{group}: ERROR (no such group)" : $"{name}: ERROR (no such process)");
                    ExitStatus = Ctl.ExitStatus.StatusUnknown;
                }
            }
        }

        ShowStatuses(matching);
        if (matching.Any(info => ProcessStates.IsStopped(info.Int("state"))))
        {
            ExitStatus = Ctl.ExitStatus.StatusNotRunning;
        }

        return false;
    }

    /// <summary>One line per process: the name padded to the longest (at least 30) plus 3, the state to 10, then the description.</summary>
    private void ShowStatuses(List<IReadOnlyDictionary<string, object?>> infos)
    {
        var namespecs = infos.Select(info => Namespec(info.Str("group"), info.Str("name"))).ToList();
        var width = Math.Max(30, namespecs.Count == 0 ? 0 : namespecs.Max(n => n.Length)) + 3;
        for (var i = 0; i < infos.Count; i++)
        {
            Output(namespecs[i].PadRight(width) + infos[i].Str("statename").PadRight(10) + infos[i].Str("description"));
        }
    }

    private void HelpStatus()
    {
        Output("status <name>\t\tGet status for a single process");
        Output("status <gname>:*\tGet status for all processes in a group");
        Output("status <name> <name>\tGet status for multiple named processes");
        Output("status\t\t\tGet all process status info");
    }

    private bool Pid(string argument)
    {
        var supervisor = Supervisor();
        if (!Upcheck())
        {
            return false;
        }

        var names = Words(argument);
        if (names.Length == 0)
        {
            Output(Values.Text(supervisor.Call("supervisor.getPID")));
        }
        else if (names.Contains("all"))
        {
            foreach (var info in Values.List(supervisor.Call("supervisor.getAllProcessInfo")).Select(Values.Struct))
            {
                Output(Values.Text(info.GetValueOrDefault("pid")));
            }
        }
        else
        {
            foreach (var name in names)
            {
                IReadOnlyDictionary<string, object?> info;
                try
                {
                    info = Values.Struct(supervisor.Call("supervisor.getProcessInfo", name));
                }
                catch (XmlRpcFault e)
                {
                    ExitStatus = Ctl.ExitStatus.Generic;
                    if (e.Code != Faults.BadName)
                    {
                        throw;
                    }

                    Output($"No such process {name}");
                    continue;
                }

                Output(Values.Text(info.GetValueOrDefault("pid")));
                if (info.Int("pid") == 0)
                {
                    ExitStatus = Ctl.ExitStatus.NotRunning;
                }
            }
        }

        return false;
    }

    private void HelpPid()
    {
        Output("pid\t\t\tGet the PID of supervisord.");
        Output("pid <name>\t\tGet the PID of a single child process by name.");
        Output("pid all\t\t\tGet the PID of every child process, one per line.");
    }

    private static string StartResult(string name, long code) => code switch
    {
        Faults.BadName => $"{name}: ERROR (no such process)",
        Faults.NoFile => $"{name}: ERROR (no such file)",
        Faults.NotExecutable => $"{name}: ERROR (file is not executable)",
        Faults.AlreadyStarted => $"{name}: ERROR (already started)",
        Faults.SpawnError => $"{name}: ERROR (spawn error)",
        Faults.AbnormalTermination => $"{name}: ERROR (abnormal termination)",
        Faults.Success => $"{name}: started",
        _ => throw UnknownResult(code, name),
    };

    /// <summary>stop and signal results; a FAILED result prints its description alone, as the reference does.</summary>
    private static string SignalResult(string name, long code, string description, string success) => code switch
    {
        Faults.BadName => $"{name}: ERROR (no such process)",
        Faults.BadSignal => $"{name}: ERROR (bad signal name)",
        Faults.NotRunning => $"{name}: ERROR (not running)",
        Faults.Success => $"{name}: {success}",
        Faults.Failed => description,
        _ => throw UnknownResult(code, name),
    };

    private static string ClearResult(string name, long code) => code switch
    {
        Faults.BadName => $"{name}: ERROR (no such process)",
        Faults.Failed => $"{name}: ERROR (failed)",
        Faults.Success => $"{name}: cleared",
        _ => throw UnknownResult(code, name),
    };

    private static PythonException UnknownResult(long code, string name) =>
        new("ValueError", string.Create(CultureInfo.InvariantCulture, $"Unknown result code {code} for {name}"));

    /// <summary>Prints each result of a bulk call (in the order the server finished them) and folds its code into the exit status.</summary>
    private void BulkResults(object? results, Func<IReadOnlyDictionary<string, object?>, string> describe, long? ignored)
    {
        foreach (var result in Values.List(results).Select(Values.Struct))
        {
            Output(describe(result));
            SetExitStatusFromFault(result.Int("status"), ignored);
        }
    }

    private static string ResultName(IReadOnlyDictionary<string, object?> result) => Namespec(result.Str("group"), result.Str("name"));

    private bool Start(string argument)
    {
        if (!Upcheck())
        {
            return false;
        }

        var names = Words(argument);
        var supervisor = Supervisor();
        if (names.Length == 0)
        {
            Output("Error: start requires a process name");
            ExitStatus = Ctl.ExitStatus.InvalidArgs;
            HelpStart();
            return false;
        }

        if (names.Contains("all"))
        {
            BulkResults(supervisor.Call("supervisor.startAllProcesses"), r => StartResult(ResultName(r), r.Int("status")), Faults.AlreadyStarted);
            return false;
        }

        var outcomes = CallEach(names, name => SplitNamespec(name) is (var group, null)
            ? ("supervisor.startProcessGroup", group)
            : ("supervisor.startProcess", name));
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            var (group, process) = SplitNamespec(name);
            if (process is null)
            {
                try
                {
                    BulkResults(outcomes[i](), r => StartResult(ResultName(r), r.Int("status")), Faults.AlreadyStarted);
                }
                catch (XmlRpcFault e) when (e.Code == Faults.BadName)
                {
                    Output($"{group}: ERROR (no such group)");
                    ExitStatus = Ctl.ExitStatus.InvalidArgs;
                }
                catch (XmlRpcFault)
                {
                    ExitStatus = Ctl.ExitStatus.Generic;
                    throw;
                }

                continue;
            }

            try
            {
                outcomes[i]();
            }
            catch (XmlRpcFault e)
            {
                Output(StartResult(Namespec(group, process), e.Code));
                SetExitStatusFromFault(e.Code, Faults.AlreadyStarted);
                continue;
            }

            Output($"{Namespec(group, process)}: started");
        }

        return false;
    }

    private void HelpStart()
    {
        Output("start <name>\t\tStart a process");
        Output("start <gname>:*\t\tStart all processes in a group");
        Output("start <name> <name>\tStart multiple processes or groups");
        Output("start all\t\tStart all processes");
    }

    private bool Stop(string argument)
    {
        if (!Upcheck())
        {
            return false;
        }

        var names = Words(argument);
        var supervisor = Supervisor();
        if (names.Length == 0)
        {
            Output("Error: stop requires a process name");
            ExitStatus = Ctl.ExitStatus.Generic;
            HelpStop();
            return false;
        }

        Func<IReadOnlyDictionary<string, object?>, string> stopped = r => SignalResult(ResultName(r), r.Int("status"), r.Str("description"), "stopped");
        if (names.Contains("all"))
        {
            BulkResults(supervisor.Call("supervisor.stopAllProcesses"), stopped, Faults.NotRunning);
            return false;
        }

        var outcomes = CallEach(names, name => SplitNamespec(name) is (var group, null)
            ? ("supervisor.stopProcessGroup", group)
            : ("supervisor.stopProcess", name));
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            var (group, process) = SplitNamespec(name);
            if (process is null)
            {
                try
                {
                    BulkResults(outcomes[i](), stopped, Faults.NotRunning);
                }
                catch (XmlRpcFault e)
                {
                    ExitStatus = Ctl.ExitStatus.Generic;
                    if (e.Code != Faults.BadName)
                    {
                        throw;
                    }

                    Output($"{group}: ERROR (no such group)");
                }

                continue;
            }

            try
            {
                outcomes[i]();
            }
            catch (XmlRpcFault e)
            {
                Output(SignalResult(Namespec(group, process), e.Code, e.Text, "stopped"));
                SetExitStatusFromFault(e.Code, Faults.NotRunning);
                continue;
            }

            Output($"{Namespec(group, process)}: stopped");
        }

        return false;
    }

    private void HelpStop()
    {
        Output("stop <name>\t\tStop a process");
        Output("stop <gname>:*\t\tStop all processes in a group");
        Output("stop <name> <name>\tStop multiple processes or groups");
        Output("stop all\t\tStop all processes");
    }

    private bool Signal(string argument)
    {
        if (!Upcheck())
        {
            return false;
        }

        var args = Words(argument);
        if (args.Length < 2)
        {
            Output("Error: signal requires a signal name and a process name");
            HelpSignal();
            ExitStatus = Ctl.ExitStatus.Generic;
            return false;
        }

        var signal = args[0];
        var names = args[1..];
        var supervisor = Supervisor();
        Func<IReadOnlyDictionary<string, object?>, string> signalled = r => SignalResult(ResultName(r), r.Int("status"), r.Str("description"), "signalled");
        if (names.Contains("all"))
        {
            BulkResults(supervisor.Call("supervisor.signalAllProcesses", signal), signalled, null);
            return false;
        }

        foreach (var name in names)
        {
            var (group, process) = SplitNamespec(name);
            if (process is null)
            {
                try
                {
                    BulkResults(supervisor.Call("supervisor.signalProcessGroup", group, signal), signalled, null);
                }
                catch (XmlRpcFault e) when (e.Code == Faults.BadName)
                {
                    Output($"{group}: ERROR (no such group)");
                    ExitStatus = Ctl.ExitStatus.Generic;
                }

                continue;
            }

            try
            {
                supervisor.Call("supervisor.signalProcess", name, signal);
            }
            catch (XmlRpcFault e)
            {
                Output(SignalResult(Namespec(group, process), e.Code, e.Text, "signalled"));
                SetExitStatusFromFault(e.Code);
                continue;
            }

            Output($"{Namespec(group, process)}: signalled");
        }

        return false;
    }

    private void HelpSignal()
    {
        Output("signal <signal name> <name>\t\tSignal a process");
        Output("signal <signal name> <gname>:*\t\tSignal all processes in a group");
        Output("signal <signal name> <name> <name>\tSignal multiple processes or groups");
        Output("signal <signal name> all\t\tSignal all processes");
    }

    private bool Restart(string argument)
    {
        if (!Upcheck())
        {
            return false;
        }

        if (Words(argument).Length == 0)
        {
            Output("Error: restart requires a process name");
            ExitStatus = Ctl.ExitStatus.Generic;
            HelpRestart();
            return false;
        }

        Stop(argument);
        Start(argument);
        return false;
    }

    private void HelpRestart()
    {
        Output("restart <name>\t\tRestart a process");
        Output("restart <gname>:*\tRestart all processes in a group");
        Output("restart <name> <name>\tRestart multiple processes or groups");
        Output("restart all\t\tRestart all processes");
        Output("Note: restart does not reread config files. For that, see reread and update.");
    }

    private bool Clear(string argument)
    {
        if (!Upcheck())
        {
            return false;
        }

        var names = Words(argument);
        if (names.Length == 0)
        {
            Output("Error: clear requires a process name");
            ExitStatus = Ctl.ExitStatus.Generic;
            HelpClear();
            return false;
        }

        var supervisor = Supervisor();
        if (names.Contains("all"))
        {
            BulkResults(supervisor.Call("supervisor.clearAllProcessLogs"), r => ClearResult(ResultName(r), r.Int("status")), null);
            return false;
        }

        foreach (var name in names)
        {
            var (group, process) = SplitNamespec(name);
            try
            {
                supervisor.Call("supervisor.clearProcessLogs", name);
            }
            catch (XmlRpcFault e)
            {
                Output(ClearResult(Namespec(group, process), e.Code));
                SetExitStatusFromFault(e.Code);
                continue;
            }

            Output($"{Namespec(group, process)}: cleared");
        }

        return false;
    }

    private void HelpClear()
    {
        Output("clear <name>\t\tClear a process' log files.");
        Output("clear <name> <name>\tClear multiple process' log files");
        Output("clear all\t\tClear all process' log files");
    }

    /// <summary>
    /// One call per name (<paramref name="request"/> gives its method and argument), made side by side on
    /// connections of their own, so that <c>start a b c</c> waits for the slowest start rather than for the sum of
    /// them (each start waits for its startsecs). Each outcome, a function that returns the result or throws the
    /// call's error, is taken in the names' order, so what is printed, and when, is the reference's order. One name
    /// is called on the shell's connection, when asked for. At most eight calls run at once.
    /// </summary>
    private List<Func<object?>> CallEach(string[] names, Func<string, (string Method, string Argument)> request)
    {
        if (names.Length == 1)
        {
            var (method, argument) = request(names[0]);
            return [() => Supervisor().Call(method, argument)];
        }

        var slots = new SemaphoreSlim(8);
        var calls = names.Select(name => Task.Run(async () =>
        {
            var (method, argument) = request(name);
            await slots.WaitAsync().ConfigureAwait(false);
            try
            {
                using var proxy = NewProxy();
                return proxy.Call(method, argument);
            }
            finally
            {
                slots.Release();
            }
        })).ToList();
        return [.. calls.Select(call => (Func<object?>)(() => call.GetAwaiter().GetResult()))];
    }
}
