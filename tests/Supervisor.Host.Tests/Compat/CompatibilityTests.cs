using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Compat;

/// <summary>
/// The real supervisorctl 4.2.5 runs the same commands against the reference supervisord and against
/// ours, on the same config (programs included); the normalized transcripts must be equal.
/// </summary>
public sealed class CompatibilityTests
{
    [SupervisorctlTheory]
    [MemberData(nameof(Scenario.Names), MemberType = typeof(Scenario))]
    public async Task OursPrintsWhatTheReferencePrints(string scenario)
    {
        var (reference, ours) = await SideBySide.RunAsync(Scenario.Get(scenario), Implementation.Reference, Implementation.Ours);
        Transcript.AssertEqual(reference, ours, "reference", "ours");
    }
}
