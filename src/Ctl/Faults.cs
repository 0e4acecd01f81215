namespace Supervisor.Ctl;

/// <summary>The fault codes the commands decide on (supervisor/xmlrpc.py, <c>Faults</c>).</summary>
internal static class Faults
{
    public const int UnknownMethod = 1;
    public const int ShutdownState = 6;
    public const int BadName = 10;
    public const int BadSignal = 11;
    public const int NoFile = 20;
    public const int NotExecutable = 21;
    public const int Failed = 30;
    public const int AbnormalTermination = 40;
    public const int SpawnError = 50;
    public const int AlreadyStarted = 60;
    public const int NotRunning = 70;
    public const int Success = 80;
    public const int AlreadyAdded = 90;
    public const int StillRunning = 91;
    public const int CantReread = 92;
}

/// <summary>The LSB init-script exit statuses the reference uses (supervisorctl.py, <c>LSBInitExitStatuses</c>, <c>LSBStatusExitStatuses</c>).</summary>
internal static class ExitStatus
{
    public const int Success = 0;
    public const int Generic = 1;
    public const int InvalidArgs = 2;
    public const int UnimplementedFeature = 3;
    public const int InsufficientPrivileges = 4;
    public const int NotInstalled = 5;
    public const int NotRunning = 7;

    /// <summary><c>status</c>: a listed process is not running.</summary>
    public const int StatusNotRunning = 3;

    /// <summary><c>status</c>: an unknown name, or the server could not be asked.</summary>
    public const int StatusUnknown = 4;
}

/// <summary>Process states (supervisor/states.py).</summary>
internal static class ProcessStates
{
    public const long Running = 20;

    /// <summary><c>STOPPED_STATES</c>: STOPPED, EXITED, FATAL, UNKNOWN.</summary>
    public static bool IsStopped(long state) => state is 0 or 100 or 200 or 1000;
}
