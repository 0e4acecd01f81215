using Supervisor.Host.Tests.Compat;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Events.Compat;

/// <summary>
/// Event listeners under ours and under the reference supervisord 4.2.5, on the same config with the same
/// recording listener (<c>recording_listener.py</c>, built on <c>supervisor.childutils</c>): the normalized
/// transcripts (events received, answers, main-log lines) must be equal, except where the reference has a
/// bug we do not copy (<see cref="ListenerScenario.OursExpected"/>).
/// </summary>
[Trait("needs", "listeners")]
[Trait("side", "ours")]
public sealed class ListenerCompatibilityTests
{
    [SupervisorctlTheory]
    [MemberData(nameof(ListenerScenario.Names), MemberType = typeof(ListenerScenario))]
    public async Task OurListenersReceiveWhatTheReferenceSends(string scenario)
    {
        var definition = ListenerScenario.Get(scenario);
        var (reference, ours) = await ListenerSideBySide.RunAsync(definition, Implementation.Reference, Implementation.Ours);
        var expected = definition.OursExpected is null ? reference : definition.OursExpected(reference);
        Transcript.AssertEqual(expected, ours, definition.OursExpected is null ? "reference" : "reference without its bug", "ours");
    }
}

/// <summary>h. TICK_5 on our daemon alone (wall-clock driven; the reference is checked by <see cref="ListenerHarnessSelfTests"/>).</summary>
[Trait("needs", "listeners")]
[Trait("side", "ours")]
public sealed class OurTickTests
{
    [SupervisorctlFact]
    public async Task OurListenerGetsTick5OnMultiplesOfFive()
    {
        var transcript = await ListenerSideBySide.RunAloneAsync(TickScenario.Scenario, Implementation.Ours);
        ListenerHarnessSelfTests.AssertHasExpectedLines(TickScenario.Scenario, transcript);
    }
}
