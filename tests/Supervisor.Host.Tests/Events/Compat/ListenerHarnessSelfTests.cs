using Supervisor.Host.Tests.Compat;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Events.Compat;

/// <summary>
/// The listener harness checked against the reference alone: two reference runs of each scenario must give
/// equal transcripts after normalization (so a difference against ours is a real one, not timing or a pid),
/// and the transcript must show what the scenario is about (its expected lines), so a scenario cannot pass
/// by receiving nothing.
/// </summary>
[Trait("needs", "listeners")]
[Trait("side", "reference")]
public sealed class ListenerHarnessSelfTests
{
    [SupervisorctlTheory]
    [MemberData(nameof(ListenerScenario.Names), MemberType = typeof(ListenerScenario))]
    public async Task ReferenceAgainstItselfIsStable(string scenario)
    {
        var definition = ListenerScenario.Get(scenario);
        var (first, second) = await ListenerSideBySide.RunAsync(definition, Implementation.Reference, Implementation.Reference);
        Transcript.AssertEqual(first, second, "reference run 1", "reference run 2");
        AssertHasExpectedLines(definition, first);
    }

    /// <summary>
    /// The reference's rejection bug (<see cref="ListenerScenario.RejectionBugLine"/>) is what
    /// <see cref="ListenerScenario.OursExpected"/> removes, and nothing else.
    /// </summary>
    [Fact]
    public void OursExpectedRemovesOnlyTheBugLine()
    {
        var reference = "a\n" + ListenerScenario.RejectionBugLine + "\nb\n" + ListenerScenario.DeadListenerBugLine + "\n";
        Assert.Equal("a\nb\n" + ListenerScenario.DeadListenerBugLine + "\n", ListenerScenario.Get("rejection").OursExpected!(reference));
        Assert.Equal("a\n" + ListenerScenario.RejectionBugLine + "\nb\n", ListenerScenario.Get("dead-listener").OursExpected!(reference));
    }

    [Fact]
    public void RecordsAreDescribedWithEscapedPayloadsAndTheirLengthChecked()
    {
        var record = ListenerRecord.Parse("""{"at": 1.5, "headers": {"eventname": "PROCESS_STATE_RUNNING"}, "line": "ver:3.0 eventname:PROCESS_STATE_RUNNING len:27", "n": 2, "payload": "processname:t\u00ebst pid:4242\nx", "result": "OK"}""");
        Assert.True(record.IsState("tëst", "RUNNING"));
        Assert.Equal("#2 ver:3.0 eventname:PROCESS_STATE_RUNNING len:<chars> | \"processname:tëst pid:4242\\nx\" -> OK", record.Describe());
        var counted = ListenerRecord.Parse("""{"at": 1.5, "line": "eventname:X len:28", "n": 1, "payload": "processname:t\u00ebst pid:4242\nx", "result": "OK"}""");
        Assert.Equal("#1 eventname:X len:28 (payload: 27 characters, 28 UTF-8 bytes) | \"processname:tëst pid:4242\\nx\" -> OK", counted.Describe());
        Assert.Equal("(listener process started)", ListenerRecord.Parse("""{"at": 1.0, "start": true}""").Describe());
    }

    internal static void AssertHasExpectedLines(ListenerScenario scenario, string transcript)
    {
        Assert.DoesNotContain("TIMED OUT", transcript);
        Assert.DoesNotContain("NOT WAITING", transcript);
        var lines = transcript.Split('\n');
        foreach (var expected in scenario.Expected)
        {
            Assert.True(lines.Contains(expected), $"the transcript of '{scenario.Name}' has no line '{expected}':\n{transcript}");
        }
    }
}

/// <summary>h. TICK_5 on the reference alone: the checks <see cref="OurTickTests"/> applies to ours hold for the reference.</summary>
[Trait("needs", "listeners")]
[Trait("side", "reference")]
public sealed class ReferenceTickTests
{
    [SupervisorctlFact]
    public async Task ReferenceListenerGetsTick5OnMultiplesOfFive()
    {
        var transcript = await ListenerSideBySide.RunAloneAsync(TickScenario.Scenario, Implementation.Reference);
        ListenerHarnessSelfTests.AssertHasExpectedLines(TickScenario.Scenario, transcript);
    }
}
