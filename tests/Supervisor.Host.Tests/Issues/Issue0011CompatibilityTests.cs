using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Issues;

/// <summary>
/// Issue 11, "Compatibility left over": what cannot be shown side by side in one run (a race needs many
/// runs), against the real daemon with the answers 4.2.5 gave. The side-by-side parts are Compat scenarios.
/// </summary>
public sealed class Issue0011CompatibilityTests
{
    /// <summary>
    /// A group start lists the outcomes decided on the spot first, in priority order (NO_FILE for a command
    /// that does not exist, OK for startsecs=0 programs), then the waiting ones as they end (SPAWN_ERROR for
    /// the child that died at once). 4.2.5 answered exactly this in every one of 20 runs (rpcinterface.py
    /// <c>make_allfunc</c>); ours put the quick death, and sometimes the OKs, before the NO_FILE in about one
    /// run of five, because it judged "on the spot" by which tasks it happened to see complete first.
    /// </summary>
    [Fact]
    public async Task GroupStartListsWhatWasDecidedOnTheSpotFirstEveryTime()
    {
        await using var daemon = await RunningDaemon.StartAsync(RunningDaemon.StandardSections + """
            [program:dier]
            command = /bin/sh -c 'exit 1'
            autostart = false
            startsecs = 5
            startretries = 0
            priority = 1

            [program:nofile]
            command = {dir}/does-not-exist
            autostart = false
            priority = 2

            [program:s1]
            command = /bin/sleep 1000
            autostart = false
            startsecs = 0
            priority = 3

            [program:s2]
            command = /bin/sleep 1000
            autostart = false
            startsecs = 0
            priority = 4

            [program:s3]
            command = /bin/sleep 1000
            autostart = false
            startsecs = 0
            priority = 5

            [group:r]
            programs = dier,nofile,s1,s2,s3
            """);
        string[] expected = ["nofile:20", "s1:80", "s2:80", "s3:80", "dier:50"];
        for (var run = 1; run <= 50; run++)
        {
            var entries = Entries(await daemon.Unix.ValueAsync("supervisor.startProcessGroup", "r"));
            Assert.True(expected.SequenceEqual(entries), $"run {run}: {string.Join(' ', entries)}");
            Assert.Equal(["s1:80", "s2:80", "s3:80"], Entries(await daemon.Unix.ValueAsync("supervisor.stopProcessGroup", "r")).Order());
        }
    }

    private static List<string> Entries(object? value) =>
        [.. ((object?[])value!).Cast<Dictionary<string, object?>>().Select(e => $"{e["name"]}:{e["status"]}")];
}
