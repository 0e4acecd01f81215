using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Compat;

/// <summary>
/// The harness checked against the reference alone: two reference runs of each scenario must give equal
/// transcripts after normalization (so a difference against ours is a real one, not timing or a pid), and
/// the transcript must show what the scenario is about (so a scenario cannot pass by printing nothing).
/// Three scenarios by default; <c>COMPAT_SELFTEST=all</c> runs every one.
/// </summary>
public sealed class HarnessSelfTests
{
    [SupervisorctlTheory]
    [MemberData(nameof(Scenario.SelfTestNames), MemberType = typeof(Scenario))]
    public async Task ReferenceAgainstItselfIsStable(string scenario)
    {
        var definition = Scenario.Get(scenario);
        var (first, second) = await SideBySide.RunAsync(definition, Implementation.Reference, Implementation.Reference);
        Transcript.AssertEqual(first, second, "reference run 1", "reference run 2");
        Assert.DoesNotContain("TIMED OUT", first);
        Assert.DoesNotContain("NOT WAITING", first);
        var lines = first.Split('\n');
        foreach (var expected in definition.Expected)
        {
            Assert.True(lines.Contains(expected), $"the reference transcript of '{scenario}' has no line '{expected}':\n{first}");
        }
    }

    [Fact]
    public void NormalizationRemovesWhatDiffersBetweenRuns()
    {
        const string raw = "grp:a                            RUNNING   pid 4242, uptime 1:02:03\n"
            + "talker                           EXITED    Nov 21 05:12 AM\n"
            + "unix:///tmp/svAbC123/s.sock no such file\n"
            + "2026-11-21 07:28:06,272 INFO spawned: 'a' with pid 3539\n"
            + "/tmp/svAbC123/talker-stdout---supervisor-x_9Kq2.log at 127.0.0.1:40123\n";
        Assert.Equal(
            "grp:a                            RUNNING   pid <PID>, uptime <UPTIME>\n"
            + "talker                           EXITED    <DATE>\n"
            + "unix://<DIR>/s.sock no such file\n"
            + "<TS> INFO spawned: 'a' with pid <PID>\n"
            + "<DIR>/talker-stdout---supervisor-<RANDOM>.log at 127.0.0.1:<PORT>\n",
            Transcript.Normalize(raw, "/tmp/svAbC123"));
        Assert.Equal("<PID>\n0\n<PID>\n", Transcript.NormalizePidLines("123\n0\n98765\n"));
    }

    [Fact]
    public void LogStructureDropsTheCutFirstLineAndKeepsProcessLifeLines()
    {
        const string tail = "ed: 'x' with pid <PID>\n<TS> INFO spawned: 'a' with pid <PID>\n<TS> WARN exited: f (exit status 1; not expected)\n<TS> INFO spawned: 'a' with pid <PID>\n";
        Assert.Equal(
            "log lines: yes\nall lines '<TS> LEVL message': yes\n  exited: f (exit status 1; not expected)\n  spawned: 'a' with pid <PID>\n",
            Transcript.LogStructure(tail));
        Assert.StartsWith("log lines: yes\nall lines '<TS> LEVL message': no\n", Transcript.LogStructure("<TS> INFO ok\nnot a log line\n"));
    }

    [Fact]
    public void RestartOutputKeepsStopsBeforeStarts()
    {
        Assert.Equal("a: stopped\nb: stopped\na: started\nb: started\nf: ERROR (spawn error)\n",
            Transcript.SortRestart("b: stopped\na: stopped\nf: ERROR (spawn error)\nb: started\na: started\n"));
    }

    [Fact]
    public void DiffMarksOnlyTheChangedLinesAndShowsTrailingSpaces()
    {
        Assert.Equal("  a\n- b\n+ B·\n  c\n", Transcript.Diff("a\nb\nc", "a\nB \nc"));
        var failure = Assert.ThrowsAny<Exception>(() => Transcript.AssertEqual("x\n", "y\n", "left", "right"));
        Assert.Contains("- x\n+ y", failure.Message);
    }
}
