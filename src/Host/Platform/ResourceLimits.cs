using System.Runtime.InteropServices;

namespace Supervisor.Host.Platform;

/// <summary>
/// <c>minfds</c> and <c>minprocs</c>: at first start-up the soft RLIMIT_NOFILE and RLIMIT_NPROC are raised
/// to at least the configured values, as the reference does (raising the hard limit too, which only
/// root may do).
/// </summary>
internal static partial class ResourceLimits
{
    private const int RlimitNproc = 6;
    private const int RlimitNofile = 7;
    private const ulong Unlimited = ulong.MaxValue;

    /// <summary>Returns the reference's error text when a limit cannot be raised, else null; <paramref name="notices"/> gets the INFO lines.</summary>
    public static string? Raise(long minFds, long minProcs, List<string> notices)
    {
        return Raise(RlimitNofile, "RLIMIT_NOFILE", minFds, notices, hard =>
                $"The minimum number of file descriptors required to run this process is {minFds} as per the \"minfds\" command-line argument or config file setting. The current environment will only allow you to open {hard} file descriptors.  Either raise the number of usable file descriptors in your environment (see README.rst) or lower the minfds setting in the config file to allow the process to start.")
            ?? Raise(RlimitNproc, "RLIMIT_NPROC", minProcs, notices, hard =>
                $"The minimum number of available processes required to run this program is {minProcs} as per the \"minprocs\" command-line argument or config file setting. The current environment will only allow you to open {hard} processes.  Either raise the number of usable processes in your environment (see README.rst) or lower the minprocs setting in the config file to allow the program to start.");
    }

    /// <summary>The soft RLIMIT_NOFILE now in force (the runtime raises it to the hard limit at start-up).</summary>
    public static long OpenFilesLimit() =>
        GetRLimit(RlimitNofile, out var limit) == 0 && limit.Current < long.MaxValue ? (long)limit.Current : long.MaxValue;

    /// <summary>How many descriptors the process holds now (entries of /proc/self/fd; 0 where there is no /proc).</summary>
    public static long OpenFilesInUse()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string? Raise(int resource, string name, long minimum, List<string> notices, Func<string, string> error)
    {
        if (minimum <= 0 || GetRLimit(resource, out var limit) != 0)
        {
            return null;
        }

        if (limit.Current == Unlimited || limit.Current >= (ulong)minimum)
        {
            return null;
        }

        var hard = limit.Maximum != Unlimited && limit.Maximum < (ulong)minimum ? (ulong)minimum : limit.Maximum;
        var raised = new RLimit { Current = (ulong)minimum, Maximum = hard };
        if (SetRLimit(resource, in raised) != 0)
        {
            return error(limit.Maximum == Unlimited ? "-1" : limit.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        notices.Add($"Increased {name} limit to {minimum}");
        return null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);
}
