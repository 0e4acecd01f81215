using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>A process as it was when signalled: its start time (clock ticks since boot) tells it from a later process reusing the pid.</summary>
internal readonly record struct TrackedPid(int Pid, ulong StartTime);

/// <summary>Sends signals to a child, or to its process group and every descendant.</summary>
internal static class ChildSignals
{
    /// <summary>
    /// Returns 0 or the errno of kill(). With <paramref name="group"/>, the whole process group gets the
    /// signal (kill(-pid)), and so does every descendant that left it (setsid, setpgid): the tree is read
    /// from /proc before anything is signalled. <paramref name="descendants"/> lists every descendant
    /// found, for a later escalation with <see cref="SendToSurvivors"/>.
    /// </summary>
    public static int Send(int pid, int signal, bool group, out IReadOnlyList<TrackedPid> descendants)
    {
        if (!group)
        {
            descendants = [];
            return Kill(pid, signal);
        }

        var tree = ProcTree.Descendants(pid);
        descendants = tree.Select(descendant => descendant.Process).ToList();
        var error = Kill(-pid, signal);
        foreach (var descendant in tree)
        {
            // Members of the group already have it; a second copy could be seen twice by a handler.
            if (descendant.ProcessGroup != pid)
            {
                Kill(descendant.Process.Pid, signal);
            }
        }

        return error;
    }

    /// <summary>Signals those of <paramref name="pids"/> still alive with the same start time (no reused pid is hit).</summary>
    public static void SendToSurvivors(IReadOnlyList<TrackedPid> pids, int signal)
    {
        foreach (var tracked in pids)
        {
            if (ProcTree.Read(tracked.Pid) is { } now && now.StartTime == tracked.StartTime)
            {
                Kill(tracked.Pid, signal);
            }
        }
    }

    private static int Kill(int pid, int signal) =>
        NativeProcesses.Kill(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();
}

/// <summary>The process tree as /proc shows it.</summary>
internal static class ProcTree
{
    /// <summary>One /proc/&lt;pid&gt;/stat line, the fields we use.</summary>
    internal readonly record struct Entry(int Pid, int ParentPid, int ProcessGroup, ulong StartTime, char State)
    {
        /// <summary>Dead and not reaped yet (state Z).</summary>
        public bool IsZombie => State == 'Z';
    }

    internal readonly record struct Descendant(TrackedPid Process, int ProcessGroup);

    private static readonly bool HasChildrenFiles = File.Exists($"/proc/{Environment.ProcessId}/task/{Environment.ProcessId}/children");

    /// <summary>Every descendant of <paramref name="root"/> (children first), not the root itself.</summary>
    public static List<Descendant> Descendants(int root) =>
        HasChildrenFiles ? WalkChildrenFiles(root) : WalkAllProcesses(root);

    /// <summary>The stat fields of a live (or zombie) process, or null when it is gone.</summary>
    public static Entry? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat", Encoding.UTF8);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        return Parse(text);
    }

    /// <summary>Parses "pid (comm) state ppid pgrp ... starttime(22nd) ..."; comm may hold spaces and parentheses.</summary>
    internal static Entry? Parse(string text)
    {
        var close = text.LastIndexOf(')');
        var open = text.IndexOf(' ');
        if (close < 0 || open < 0 || !int.TryParse(text.AsSpan(0, open), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        // Fields from 3 (state) on; starttime is field 22.
        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 20
            || !int.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parent)
            || !int.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var group)
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        return new Entry(pid, parent, group, start, fields[0].Length == 1 ? fields[0][0] : '?');
    }

    /// <summary>
    /// Follows /proc/&lt;pid&gt;/task/&lt;tid&gt;/children downwards: the cost is the size of the subtree,
    /// not of the whole process table.
    /// </summary>
    private static List<Descendant> WalkChildrenFiles(int root)
    {
        var result = new List<Descendant>();
        var seen = new HashSet<int> { root };
        var queue = new Queue<int>();
        queue.Enqueue(root);
        while (queue.Count > 0)
        {
            var parent = queue.Dequeue();
            foreach (var child in ChildrenOf(parent))
            {
                if (seen.Add(child) && Read(child) is { } entry)
                {
                    result.Add(new Descendant(new TrackedPid(child, entry.StartTime), entry.ProcessGroup));
                    queue.Enqueue(child);
                }
            }
        }

        return result;
    }

    /// <summary>The children of every thread of <paramref name="pid"/>; empty without the children files.</summary>
    public static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task");
        }
        catch (IOException)
        {
            return children;
        }
        catch (UnauthorizedAccessException)
        {
            return children;
        }

        if (!HasChildrenFiles)
        {
            return children;
        }

        foreach (var task in tasks)
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var child))
                {
                    children.Add(child);
                }
            }
        }

        return children;
    }

    /// <summary>Without the children files (CONFIG_PROC_CHILDREN unset): every /proc/&lt;pid&gt;/stat, then the ppid tree.</summary>
    private static List<Descendant> WalkAllProcesses(int root)
    {
        var byParent = new Dictionary<int, List<Entry>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } entry)
            {
                if (!byParent.TryGetValue(entry.ParentPid, out var list))
                {
                    byParent[entry.ParentPid] = list = [];
                }

                list.Add(entry);
            }
        }

        var result = new List<Descendant>();
        var queue = new Queue<int>();
        queue.Enqueue(root);
        var seen = new HashSet<int> { root };
        while (queue.Count > 0)
        {
            if (!byParent.TryGetValue(queue.Dequeue(), out var children))
            {
                continue;
            }

            foreach (var child in children)
            {
                if (seen.Add(child.Pid))
                {
                    result.Add(new Descendant(new TrackedPid(child.Pid, child.StartTime), child.ProcessGroup));
                    queue.Enqueue(child.Pid);
                }
            }
        }

        return result;
    }
}
