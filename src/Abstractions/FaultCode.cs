namespace Supervisor.Abstractions;

/// <summary>Supervisor's complete table of XML-RPC fault codes (codes 5, 7, 8 and 9 are unused by the reference).</summary>
public enum FaultCode
{
    /// <summary>The name is not a registered <c>namespace.method</c>.</summary>
    UnknownMethod = 1,

    /// <summary>Wrong number or type of parameters.</summary>
    IncorrectParameters = 2,

    /// <summary>Parameters of the right type but unusable values (e.g. a negative log length).</summary>
    BadArguments = 3,

    /// <summary>No help or signature is known for the name.</summary>
    SignatureUnsupported = 4,

    /// <summary>The daemon is shutting down or restarting.</summary>
    ShutdownState = 6,

    /// <summary>Unknown process or group name.</summary>
    BadName = 10,

    /// <summary>Unknown or invalid signal.</summary>
    BadSignal = 11,

    /// <summary>A file (log, command) does not exist, or a child's stdin is closed.</summary>
    NoFile = 20,

    /// <summary>The command cannot be executed.</summary>
    NotExecutable = 21,

    /// <summary>Generic failure.</summary>
    Failed = 30,

    /// <summary>A process left STARTING without a spawn error.</summary>
    AbnormalTermination = 40,

    /// <summary>A process failed to spawn.</summary>
    SpawnError = 50,

    /// <summary>The process is already running.</summary>
    AlreadyStarted = 60,

    /// <summary>The process is not running.</summary>
    NotRunning = 70,

    /// <summary>Never raised; the <c>status</c> of a successful entry in bulk results.</summary>
    Success = 80,

    /// <summary>The process group is already active.</summary>
    AlreadyAdded = 90,

    /// <summary>A process of the group is still running.</summary>
    StillRunning = 91,

    /// <summary>The configuration could not be re-read.</summary>
    CantReread = 92,
}

/// <summary>Wire names of <see cref="FaultCode"/> values.</summary>
public static class FaultCodes
{
    /// <summary>
    /// The upper-case name Supervisor puts at the start of a faultString (<c>BAD_NAME</c>),
    /// or <c>UNKNOWN</c> for a code that is not in Supervisor's table.
    /// </summary>
    public static string WireName(int code) => (FaultCode)code switch
    {
        FaultCode.UnknownMethod => "UNKNOWN_METHOD",
        FaultCode.IncorrectParameters => "INCORRECT_PARAMETERS",
        FaultCode.BadArguments => "BAD_ARGUMENTS",
        FaultCode.SignatureUnsupported => "SIGNATURE_UNSUPPORTED",
        FaultCode.ShutdownState => "SHUTDOWN_STATE",
        FaultCode.BadName => "BAD_NAME",
        FaultCode.BadSignal => "BAD_SIGNAL",
        FaultCode.NoFile => "NO_FILE",
        FaultCode.NotExecutable => "NOT_EXECUTABLE",
        FaultCode.Failed => "FAILED",
        FaultCode.AbnormalTermination => "ABNORMAL_TERMINATION",
        FaultCode.SpawnError => "SPAWN_ERROR",
        FaultCode.AlreadyStarted => "ALREADY_STARTED",
        FaultCode.NotRunning => "NOT_RUNNING",
        FaultCode.Success => "SUCCESS",
        FaultCode.AlreadyAdded => "ALREADY_ADDED",
        FaultCode.StillRunning => "STILL_RUNNING",
        FaultCode.CantReread => "CANT_REREAD",
        _ => "UNKNOWN",
    };
}
