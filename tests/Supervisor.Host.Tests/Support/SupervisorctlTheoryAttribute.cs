namespace Supervisor.Host.Tests.Support;

/// <summary>
/// A theory that runs the reference supervisorctl and supervisord 4.2.5; skipped with the reason when
/// either is absent (CI installs the <c>supervisor</c> package, and fails on skips).
/// </summary>
public sealed class SupervisorctlTheoryAttribute : TheoryAttribute
{
    public SupervisorctlTheoryAttribute()
    {
        if (!File.Exists("/usr/bin/supervisorctl") || !File.Exists("/usr/bin/supervisord"))
        {
            Skip = "the reference supervisorctl/supervisord are not installed (apt-get install supervisor)";
        }
    }
}
