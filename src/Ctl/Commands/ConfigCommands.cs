using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl;

/// <summary>avail, reread, add, remove, update: no upcheck, as in the reference.</summary>
internal sealed partial class Controller
{
    private bool NoArguments(string command, string argument, Action help)
    {
        if (argument.Length == 0)
        {
            return true;
        }

        Output($"Error: {command} accepts no arguments");
        ExitStatus = Ctl.ExitStatus.Generic;
        help();
        return false;
    }

    private bool Avail(string argument)
    {
        if (!NoArguments("avail", argument, HelpAvail))
        {
            return false;
        }

        object? infos;
        try
        {
            infos = Supervisor().Call("supervisor.getAllConfigInfo");
        }
        catch (XmlRpcFault e)
        {
            ExitStatus = Ctl.ExitStatus.Generic;
            if (e.Code != Faults.ShutdownState)
            {
                throw;
            }

            Output("ERROR: supervisor shutting down");
            return false;
        }

        foreach (var info in Values.List(infos).Select(Values.Struct))
        {
            var name = Namespec(info.Str("group"), info.Str("name"));
            var inUse = Values.Truth(info.GetValueOrDefault("inuse")) ? "in use" : "avail";
            var auto = Values.Truth(info.GetValueOrDefault("autostart")) ? "auto" : "manual";
            var priority = $"{Values.Text(info.GetValueOrDefault("group_prio"))}:{Values.Text(info.GetValueOrDefault("process_prio"))}";
            Output($"{name.PadRight(32)} {inUse.PadRight(9)} {auto.PadRight(9)} {priority}");
        }

        return false;
    }

    private void HelpAvail() => Output("avail\t\t\tDisplay all configured processes");

    private bool Reread(string argument)
    {
        if (!NoArguments("reread", argument, HelpReread))
        {
            return false;
        }

        object? result;
        try
        {
            result = Supervisor().Call("supervisor.reloadConfig");
        }
        catch (XmlRpcFault e)
        {
            ExitStatus = Ctl.ExitStatus.Generic;
            switch (e.Code)
            {
                case Faults.ShutdownState:
                    Output("ERROR: supervisor shutting down");
                    return false;
                case Faults.CantReread:
                    Output($"ERROR: {e.Text}");
                    return false;
                default:
                    throw;
            }
        }

        var (added, changed, removed) = Changes(result);
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (names, kind) in new[] { (added, "available"), (changed, "changed"), (removed, "disappeared") })
        {
            foreach (var name in names)
            {
                kinds[name] = kind;
            }
        }

        if (kinds.Count == 0)
        {
            Output("No config updates to processes");
        }

        foreach (var name in kinds.Keys.Order(StringComparer.Ordinal))
        {
            Output($"{name}: {kinds[name]}");
        }

        return false;
    }

    private void HelpReread() => Output("reread \t\t\tReload the daemon's configuration files without add/remove");

    /// <summary><c>reloadConfig</c>'s <c>[[added, changed, removed]]</c>.</summary>
    private static (List<string> Added, List<string> Changed, List<string> Removed) Changes(object? result)
    {
        var lists = Values.List(Values.List(result)[0]);
        List<string> Names(int index) => [.. Values.List(lists[index]).Select(Values.Text)];
        return (Names(0), Names(1), Names(2));
    }

    private bool Add(string argument)
    {
        var supervisor = Supervisor();
        foreach (var name in Words(argument))
        {
            try
            {
                supervisor.Call("supervisor.addProcessGroup", name);
            }
            catch (XmlRpcFault e)
            {
                switch (e.Code)
                {
                    case Faults.ShutdownState:
                        Output("ERROR: shutting down");
                        ExitStatus = Ctl.ExitStatus.Generic;
                        break;
                    case Faults.AlreadyAdded:
                        Output("ERROR: process group already active");
                        break;
                    case Faults.BadName:
                        Output($"ERROR: no such process/group: {name}");
                        ExitStatus = Ctl.ExitStatus.Generic;
                        break;
                    default:
                        ExitStatus = Ctl.ExitStatus.Generic;
                        throw;
                }

                continue;
            }

            Output($"{name}: added process group");
        }

        return false;
    }

    private void HelpAdd() => Output("add <name> [...]\tActivates any updates in config for process/group");

    private bool Remove(string argument)
    {
        var supervisor = Supervisor();
        foreach (var name in Words(argument))
        {
            try
            {
                supervisor.Call("supervisor.removeProcessGroup", name);
            }
            catch (XmlRpcFault e)
            {
                ExitStatus = Ctl.ExitStatus.Generic;
                switch (e.Code)
                {
                    case Faults.StillRunning:
                        Output($"ERROR: process/group still running: {name}");
                        break;
                    case Faults.BadName:
                        Output($"ERROR: no such process/group: {name}");
                        break;
                    default:
                        throw;
                }

                continue;
            }

            Output($"{name}: removed process group");
        }

        return false;
    }

    private void HelpRemove() => Output("remove <name> [...]\tRemoves process/group from active config");

    private bool Update(string argument)
    {
        var supervisor = Supervisor();
        object? result;
        try
        {
            result = supervisor.Call("supervisor.reloadConfig");
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

        var (added, changed, removed) = Changes(result);
        // Names restrict the work; "all" is the same as none. Unknown names are reported in the order given.
        var wanted = Words(argument).Distinct().ToList();
        if (wanted.Contains("all"))
        {
            wanted.Clear();
        }

        if (wanted.Count > 0)
        {
            var groups = Values.List(supervisor.Call("supervisor.getAllProcessInfo")).Select(i => Values.Struct(i).Str("group")).ToHashSet(StringComparer.Ordinal);
            groups.UnionWith(added);
            foreach (var name in wanted.Where(n => !groups.Contains(n)))
            {
                Output($"ERROR: no such group: {name}");
                ExitStatus = Ctl.ExitStatus.Generic;
            }
        }

        bool Selected(string group) => wanted.Count == 0 || wanted.Contains(group);

        foreach (var group in removed.Where(Selected))
        {
            var results = Values.List(supervisor.Call("supervisor.stopProcessGroup", group));
            Output($"{group}: stopped");
            if (results.Select(Values.Struct).Any(r => r.Int("status") == Faults.Failed))
            {
                Output($"{group}: has problems; not removing");
                ExitStatus = Ctl.ExitStatus.Generic;
                continue;
            }

            supervisor.Call("supervisor.removeProcessGroup", group);
            Output($"{group}: removed process group");
        }

        foreach (var group in changed.Where(Selected))
        {
            supervisor.Call("supervisor.stopProcessGroup", group);
            Output($"{group}: stopped");
            supervisor.Call("supervisor.removeProcessGroup", group);
            supervisor.Call("supervisor.addProcessGroup", group);
            Output($"{group}: updated process group");
        }

        foreach (var group in added.Where(Selected))
        {
            supervisor.Call("supervisor.addProcessGroup", group);
            Output($"{group}: added process group");
        }

        return false;
    }

    private void HelpUpdate()
    {
        Output("update\t\t\tReload config and add/remove as necessary, and will restart affected programs");
        Output("update all\t\tReload config and add/remove as necessary, and will restart affected programs");
        Output("update <gname> [...]\tUpdate specific groups");
    }
}
