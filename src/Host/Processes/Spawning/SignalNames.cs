using System.Globalization;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>
/// The reference's <c>signame()</c>: the names Python 3.11's <c>signal</c> module has on Linux,
/// where the last alias defined wins (6 is SIGABRT, not SIGIOT; 17 SIGCHLD; 29 SIGPOLL, not SIGIO);
/// real-time signals other than SIGRTMIN and SIGRTMAX have no name and read <c>signal &lt;n&gt;</c>.
/// </summary>
internal static class SignalNames
{
    private static readonly string?[] Names =
    [
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGPOLL", "SIGPWR", "SIGSYS",
    ];

    public static string Name(int signal) => signal switch
    {
        34 => "SIGRTMIN",
        64 => "SIGRTMAX",
        > 0 when signal < Names.Length => Names[signal]!,
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };
}
