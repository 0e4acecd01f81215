using System.Runtime.InteropServices;

namespace Supervisor.Host.Tests.Support;

/// <summary>Linux signal numbers used by the tests, and kill(2) for processes the tests do not own.</summary>
internal static partial class Signals
{
    public const int Hup = 1;
    public const int Int = 2;
    public const int Quit = 3;
    public const int Kill = 9;
    public const int Usr2 = 12;
    public const int Term = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; 0 or -1 like kill(2).</summary>
    public static int Send(int pid, int signal) => SendSignal(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
