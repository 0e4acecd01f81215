namespace Supervisor.Host.Tests.Support;

/// <summary>A test that needs Python's xmlrpc.client; skipped with the reason when python3 is absent (CI installs it).</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (!PythonClient.IsAvailable)
        {
            Skip = "python3 with xmlrpc.client is not installed (apt-get install python3)";
        }
    }
}

/// <summary>A theory that needs Python's xmlrpc.client; skipped with the reason when python3 is absent.</summary>
public sealed class PythonTheoryAttribute : TheoryAttribute
{
    public PythonTheoryAttribute()
    {
        if (!PythonClient.IsAvailable)
        {
            Skip = "python3 with xmlrpc.client is not installed (apt-get install python3)";
        }
    }
}

/// <summary>A test that needs the reference supervisorctl; skipped with the reason when it is absent (CI installs it).</summary>
public sealed class SupervisorctlFactAttribute : FactAttribute
{
    public SupervisorctlFactAttribute()
    {
        if (!File.Exists("/usr/bin/supervisorctl"))
        {
            Skip = "the reference supervisorctl is not installed (apt-get install supervisor)";
        }
    }
}

/// <summary>A test that must run as root (giving files away, acting as another user); skipped with the reason otherwise. CI runs as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute(string why = "to give a file to another user")
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root " + why;
        }
    }
}

/// <summary>A test that fills a real small filesystem (a tmpfs it mounts); skipped with the reason when mounting is not permitted. CI runs as root.</summary>
public sealed class SmallFilesystemFactAttribute : FactAttribute
{
    public SmallFilesystemFactAttribute()
    {
        if (SmallFilesystem.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that fills a real small filesystem; skipped with the reason when mounting is not permitted.</summary>
public sealed class SmallFilesystemTheoryAttribute : TheoryAttribute
{
    public SmallFilesystemTheoryAttribute()
    {
        if (SmallFilesystem.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A browser test: needs Debian's chromium (Playwright cannot download its own browsers here); skipped with the reason when it is absent (CI installs it).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Executable = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Executable))
        {
            Skip = "Debian's chromium is not installed (apt-get install chromium)";
        }
    }
}
