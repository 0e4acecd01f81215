using System.Runtime.InteropServices;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Logging;

/// <summary>
/// <c>[supervisord] logfile = syslog</c>: each line of the main log goes to the system logger through
/// libc's <c>syslog(3)</c> (facility USER, priority INFO, ident <c>supervisord</c>), as the reference's
/// syslog handler does with Python's <c>syslog</c> module.
/// </summary>
internal static class Syslog
{
    public const string LogfileKeyword = "syslog";

    private const int LogUser = 1 << 3;
    private const int LogInfo = 6;
    private const int LogPid = 0x01;

    // openlog keeps the pointer it is given: the ident must live as long as the process.
    private static readonly Lazy<IntPtr> Ident = new(() =>
    {
        var ident = Marshal.StringToCoTaskMemUTF8("supervisord");
        NativeIo.OpenLog(ident, LogPid, LogUser);
        return ident;
    });

    public static void Write(string text)
    {
        _ = Ident.Value;
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            // "%s" keeps a '%' in the message from being read as a format directive.
            NativeIo.Syslog(LogUser | LogInfo, "%s", line);
        }
    }
}
