using System.Globalization;
using Supervisor.Abstractions;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>The reference's <c>decode_wait_status</c>: the exit code and the text of a wait status.</summary>
internal static class WaitStatuses
{
    public static bool Exited(int waitStatus) => (waitStatus & 0x7f) == 0;

    /// <summary>glibc's WIFSIGNALED: the low 7 bits plus one, as a signed byte shifted right, is positive (0x7f means stopped).</summary>
    public static bool Signaled(int waitStatus) => ((sbyte)((waitStatus & 0x7f) + 1) >> 1) > 0;

    public static int TermSignal(int waitStatus) => waitStatus & 0x7f;

    public static bool CoreDumped(int waitStatus) => (waitStatus & 0x80) != 0;

    public static string Describe(int waitStatus)
    {
        if (Exited(waitStatus))
        {
            return "exit status " + ExitCode(waitStatus).ToString(CultureInfo.InvariantCulture);
        }

        if (Signaled(waitStatus))
        {
            var text = "terminated by " + SignalNames.Name(TermSignal(waitStatus));
            return CoreDumped(waitStatus) ? text + " (core dumped)" : text;
        }

        return "unknown termination cause 0x" + PythonHex4(waitStatus);
    }

    public static int ExitCode(int waitStatus) => Exited(waitStatus) ? (waitStatus >> 8) & 0xff : -1;

    /// <summary>Python's <c>"%04x" % n</c>: a negative number keeps its sign inside the width (-1 is <c>-001</c>).</summary>
    private static string PythonHex4(int value)
    {
        if (value >= 0)
        {
            return value.ToString("x4", CultureInfo.InvariantCulture);
        }

        var digits = (-(long)value).ToString("x", CultureInfo.InvariantCulture);
        return "-" + digits.PadLeft(3, '0');
    }
}
