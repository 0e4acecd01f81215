namespace Supervisor.Host.Tests.Compat;

/// <summary>One call: a method, its arguments as a Python expression, and what 4.2.5 answers.</summary>
/// <param name="Expected">
/// As <c>wrong_types.py</c> prints it (<c>fault 10 BAD_NAME: 123</c>, <c>ok bool</c>, <c>ok manual:80</c>), or
/// <see cref="WrongTypeTable.Refused"/>.
/// </param>
internal sealed record WrongTypeRow(string Method, string Args, string Expected);

/// <summary>
/// Every method of the <c>supervisor</c> and <c>system</c> namespaces called with a wrongly-typed argument in
/// each position (the others valid), and what 4.2.5 answered, surveyed with <c>xmlrpc.client</c> against the
/// config of the <c>wrong-types</c> scenario (deprecated aliases share their method's binding and are left
/// out). The answers follow from how the reference uses each parameter (rpcinterface.py):
/// <list type="bullet">
/// <item>a process name is split at its colon: anything but a string fails (HTTP 500);</item>
/// <item>a group name is looked up in a dict: a non-string finds nothing (BAD_NAME with Python's <c>str()</c>
/// of it), an array or struct cannot be hashed (a <c>TypeError</c>: bare INCORRECT_PARAMETERS);
/// <c>addProcessGroup</c> compares instead, so every non-string is BAD_NAME;</item>
/// <item>offsets and lengths go through <c>int()</c> once the process and its file are found: numbers,
/// booleans and integer strings work, other strings fail (HTTP 500), arrays, structs, dates and nil are a
/// <c>TypeError</c>;</item>
/// <item><c>wait</c> is only tested for truth: anything works;</item>
/// <item>a signal goes through <c>signal_number</c>: numbers and strings work (or are BAD_SIGNAL), anything else
/// fails (HTTP 500), and only once there is a process to signal;</item>
/// <item>a method name is compared (SIGNATURE_UNSUPPORTED), <c>multicall</c>'s calls are sliced (<c>TypeError</c>,
/// a string fails later: HTTP 500), <c>sendProcessStdin</c>'s chars are checked first (INCORRECT_PARAMETERS with
/// the value), <c>sendRemoteCommEvent</c> takes <c>str()</c> of anything.</item>
/// </list>
/// </summary>
internal static class WrongTypeTable
{
    /// <summary>4.2.5 answers HTTP 500; ours answers INCORRECT_PARAMETERS with the reason (README "Differences from Supervisor").</summary>
    public const string Refused = "HTTP 500 (ours: INCORRECT_PARAMETERS with the reason)";

    private const string IncorrectParameters = "fault 2 INCORRECT_PARAMETERS";

    /// <summary>Values that are not strings, as Python expressions, with Python's <c>str()</c> of each (null: nil, which faults show as nothing).</summary>
    private static readonly (string Value, string? Str)[] NotStrings =
        [("123", "123"), ("True", "True"), ("1.5", "1.5"), ("['a']", "['a']"), ("{'a': 1}", "{'a': 1}"), ("DT", "2026-01-02 03:04:05"), ("None", null)];

    private static readonly string[] NotInts = ["'abc'", "' 7 '", "'1_0'", "''", "True", "1.5", "[1]", "{}", "DT", "None"];

    private static readonly string[] NotBooleans = ["'abc'", "''", "2", "1.5", "[]", "[1]", "{}", "{'a': 1}", "DT", "None"];

    private static readonly string[] NotArrays = ["123", "'abc'", "True", "{}", "DT", "None"];

    public static IReadOnlyList<WrongTypeRow> Rows { get; } = Build();

    private static List<WrongTypeRow> Build()
    {
        List<WrongTypeRow> rows = [];
        void Vary(string method, string[] valid, int position, IEnumerable<(string Value, string Expected)> cases) =>
            rows.AddRange(cases.Select(c => new WrongTypeRow(method, Args(valid, position, c.Value), c.Expected)));

        IEnumerable<(string, string)> ProcessName() => NotStrings.Select(v => (v.Value, Refused));
        IEnumerable<(string, string)> GroupLookup() => NotStrings.Select(v => (v.Value,
            v.Value is "['a']" or "{'a': 1}" ? IncorrectParameters : BadName(v.Str)));
        IEnumerable<(string, string)> Int(string ok) => NotInts.Select(v => (v,
            v is "'abc'" or "''" ? Refused : v is "[1]" or "{}" or "DT" or "None" ? IncorrectParameters : ok));
        IEnumerable<(string, string)> Flag(string ok) => NotBooleans.Select(v => (v, ok));

        Vary("supervisor.getProcessInfo", ["'sleeper'"], 0, ProcessName());
        Vary("supervisor.clearProcessLogs", ["'sleeper'"], 0, ProcessName());

        foreach (var method in new[] { "supervisor.readProcessStdoutLog", "supervisor.readProcessStderrLog" })
        {
            Vary(method, ["'sleeper'", "0", "3"], 0, ProcessName());
            Vary(method, ["'sleeper'", "0", "3"], 1, Int("ok str"));
            Vary(method, ["'sleeper'", "0", "3"], 2, Int("ok str"));
        }

        foreach (var method in new[] { "supervisor.tailProcessStdoutLog", "supervisor.tailProcessStderrLog" })
        {
            Vary(method, ["'sleeper'", "0", "3"], 0, ProcessName());
            Vary(method, ["'sleeper'", "0", "3"], 1, Int("ok list"));
            Vary(method, ["'sleeper'", "0", "3"], 2, Int("ok list"));
        }

        Vary("supervisor.readLog", ["0", "10"], 0, Int("ok str"));
        Vary("supervisor.readLog", ["0", "10"], 1, Int("ok str"));

        Vary("supervisor.startProcess", ["'manual'", "False"], 0, ProcessName());
        Vary("supervisor.startProcess", ["'manual'", "False"], 1, Flag("ok bool"));
        Vary("supervisor.stopProcess", ["'sleeper'", "False"], 0, ProcessName());
        Vary("supervisor.stopProcess", ["'sleeper'", "False"], 1, Flag("ok bool"));
        Vary("supervisor.startProcessGroup", ["'manual'", "False"], 0, GroupLookup());
        Vary("supervisor.startProcessGroup", ["'manual'", "False"], 1, Flag("ok manual:80"));
        Vary("supervisor.stopProcessGroup", ["'sleeper'", "False"], 0, GroupLookup());
        Vary("supervisor.stopProcessGroup", ["'sleeper'", "False"], 1, Flag("ok sleeper:80"));
        Vary("supervisor.startAllProcesses", ["False"], 0, Flag("ok manual:80 nolog:80"));
        Vary("supervisor.stopAllProcesses", ["False"], 0, Flag("ok sleeper:80"));

        // Signals: sleeper ignores SIGHUP (True and 1.5 are signal 1), 123 is no signal.
        (string, string)[] Signal(string ok, string bad) =>
            [("123", bad), ("True", ok), ("1.5", ok), ("['a']", Refused), ("{'a': 1}", Refused), ("DT", Refused), ("None", Refused)];
        Vary("supervisor.signalProcess", ["'sleeper'", "'CONT'"], 0, ProcessName());
        Vary("supervisor.signalProcess", ["'sleeper'", "'CONT'"], 1, Signal("ok bool", "fault 11 BAD_SIGNAL: 123"));
        Vary("supervisor.signalProcessGroup", ["'sleeper'", "'CONT'"], 0, GroupLookup());
        Vary("supervisor.signalProcessGroup", ["'sleeper'", "'CONT'"], 1, Signal("ok sleeper:80", "ok sleeper:11"));
        Vary("supervisor.signalAllProcesses", ["'CONT'"], 0, Signal("ok sleeper:80", "ok sleeper:11"));

        Vary("supervisor.addProcessGroup", ["'sleeper'"], 0, NotStrings.Select(v => (v.Value, BadName(v.Str))));
        Vary("supervisor.removeProcessGroup", ["'manual'"], 0, GroupLookup());
        Vary("supervisor.sendProcessStdin", ["'sleeper'", "'x'"], 0, ProcessName());
        Vary("supervisor.sendProcessStdin", ["'sleeper'", "'x'"], 1, NotStrings.Select(v => (v.Value, v.Str is null ? IncorrectParameters : $"{IncorrectParameters}: {v.Str}")));
        Vary("supervisor.sendRemoteCommEvent", ["'t'", "'d'"], 0, NotStrings.Select(v => (v.Value, "ok bool")));
        Vary("supervisor.sendRemoteCommEvent", ["'t'", "'d'"], 1, NotStrings.Select(v => (v.Value, "ok bool")));

        Vary("system.methodHelp", ["'supervisor.getState'"], 0, NotStrings.Select(v => (v.Value, "fault 4 SIGNATURE_UNSUPPORTED")));
        Vary("system.methodSignature", ["'supervisor.getState'"], 0, NotStrings.Select(v => (v.Value, "fault 4 SIGNATURE_UNSUPPORTED")));
        Vary("system.multicall", ["[]"], 0, NotArrays.Select(v => (v, v == "'abc'" ? Refused : IncorrectParameters)));

        // Where the reference looks at the wrongly-typed value only after something else has failed, or not at all.
        rows.AddRange(
        [
            new("supervisor.signalProcess", "['nosuch', ['a']]", "fault 10 BAD_NAME: nosuch"),
            new("supervisor.signalProcessGroup", "['nosuch', ['a']]", "fault 10 BAD_NAME: nosuch"),
            new("supervisor.signalProcessGroup", "['manual', ['a']]", "ok list"),
            new("supervisor.readProcessStdoutLog", "['nosuch', [1], 0]", "fault 10 BAD_NAME: nosuch"),
            new("supervisor.readProcessStdoutLog", "['nolog', 'abc', 0]", "fault 20 NO_FILE"),
            new("supervisor.tailProcessStdoutLog", "['nolog', 'abc', 0]", "ok list"),
            new("supervisor.sendProcessStdin", "[123, 456]", "fault 2 INCORRECT_PARAMETERS: 456"),
        ]);
        return rows;
    }

    private static string BadName(string? str) => str is null ? "fault 10 BAD_NAME" : $"fault 10 BAD_NAME: {str}";

    private static string Args(string[] valid, int position, string value) =>
        "[" + string.Join(", ", valid.Select((v, i) => i == position ? value : v)) + "]";
}
