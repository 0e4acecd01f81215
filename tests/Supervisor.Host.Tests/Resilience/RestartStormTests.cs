using System.Globalization;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Resilience;

/// <summary>
/// Issue 11 item 5: a program with <c>startsecs = 0</c> and <c>autorestart = true</c> that exits at once
/// restarted 393 times a second (a third of a core, 97 KB/s of main log, and hundreds of orphans when it
/// left a background process behind). The reference restarts it about once a second (its poll loop);
/// ours now holds an automatic restart until a second after the previous start.
/// </summary>
public sealed class RestartStormTests
{
    private static readonly string Config = RunningDaemon.StandardSections + """

        [program:storm]
        command = true
        startsecs = 0
        autorestart = true

        [program:steady]
        command = sh -c 'sleep 1.5'
        startsecs = 0
        autorestart = true
        """;

    [Fact]
    public async Task AProgramThatExitsAtOnceRestartsAboutOnceASecondAndOneThatRanLongerAtOnce()
    {
        await using var daemon = await RunningDaemon.StartAsync(Config);
        var started = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(4));
        var seconds = (DateTime.UtcNow - started).TotalSeconds + 1;
        var lines = await File.ReadAllLinesAsync(daemon.LogPath);

        var stormSpawns = Spawns(lines, "storm");
        Assert.InRange(stormSpawns.Count, 3, (int)Math.Ceiling(seconds) + 1);
        // Log times are taken after each spawn, a few milliseconds after the start the interval counts from.
        Assert.All(stormSpawns.Zip(stormSpawns.Skip(1)), pair => Assert.True((pair.Second - pair.First).TotalSeconds >= 0.9, $"restarted after {(pair.Second - pair.First).TotalSeconds:F3} s"));

        // A child that ran for longer than the interval is restarted as soon as its exit is seen.
        var exits = Times(lines, "exited: steady ");
        var steadySpawns = Spawns(lines, "steady");
        Assert.NotEmpty(exits);
        var firstExit = exits[0];
        var restart = steadySpawns.First(t => t >= firstExit);
        Assert.True((restart - firstExit).TotalSeconds < 0.5, $"steady restarted {(restart - firstExit).TotalSeconds:F3} s after its exit");
    }

    private static List<DateTime> Spawns(string[] lines, string name) => Times(lines, $"spawned: '{name}' with pid");

    private static List<DateTime> Times(string[] lines, string marker) =>
        [.. lines.Where(l => l.Contains(marker, StringComparison.Ordinal))
            .Select(l => DateTime.ParseExact(l[..23], "yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture))];
}
