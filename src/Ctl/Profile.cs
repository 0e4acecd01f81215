using System.Diagnostics;

namespace Supervisor.Ctl;

/// <summary>
/// Where a run's time and memory go, for tuning start-up: with <c>SUPERVISORCTL_PROFILE=1</c> each
/// <see cref="Mark"/> prints to stderr the milliseconds since <c>Main</c> began, the bytes allocated so
/// far, the collections so far and the phase just ended. Off, a mark is one branch.
/// </summary>
internal static class Profile
{
    private static readonly long Start = Stopwatch.GetTimestamp();

    /// <summary>Whether marks print; a mark whose text costs something to make is made only then.</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("SUPERVISORCTL_PROFILE") == "1";

    public static void Mark(string phase)
    {
        if (Enabled)
        {
            Console.Error.WriteLine($"{Stopwatch.GetElapsedTime(Start).TotalMilliseconds,8:F2} ms {GC.GetTotalAllocatedBytes(),10} B {GC.CollectionCount(0)} GC  {phase}");
        }
    }
}
