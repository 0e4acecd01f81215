using System.Runtime.InteropServices;

namespace Supervisor.Host;

/// <summary>The few libc calls the framework does not offer.</summary>
internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chown(string path, int owner, int group);

    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial int GetUid();

    [LibraryImport("libc", EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    public static partial int SetSid();

    [LibraryImport("libc", EntryPoint = "umask")]
    public static partial int Umask(int mask);
}
