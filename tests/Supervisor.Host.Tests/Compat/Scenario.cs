namespace Supervisor.Host.Tests.Compat;

/// <summary>
/// A side-by-side scenario: one config template (<c>{dir}</c>, <c>{sock}</c>, <c>{port}</c>) and the steps run
/// against each daemon once start-up has settled. <paramref name="Expected"/> are lines the reference's
/// transcript must contain (the harness self-test checks them, so a scenario cannot silently test nothing).
/// </summary>
/// <param name="NeverStarted">The autostart=false processes start-up does not wait for (default <c>manual</c>).</param>
internal sealed record Scenario(string Name, IReadOnlyList<Step> Steps, IReadOnlyList<string> Expected, string? ConfigTemplate = null, IReadOnlyList<string>? NeverStarted = null)
{
    /// <summary>The programs, as small /bin/sh scripts written into the run's directory.</summary>
    public static readonly IReadOnlyList<(string Name, string Body)> Scripts =
    [
        ("sleeper.sh", "#!/bin/sh\nexec sleep 100000\n"),
        ("failer.sh", "#!/bin/sh\necho \"failing now\" >&2\nexit 1\n"),
        // SIG_IGN survives exec, so the sleep itself ignores TERM and needs SIGKILL after stopwaitsecs.
        ("stubborn.sh", "#!/bin/sh\ntrap '' TERM\nexec sleep 100000\n"),
        ("talker.sh", "#!/bin/sh\necho \"out line 1\"\necho \"out line 2\"\necho \"err line 1\" >&2\necho \"err line 2\" >&2\nexec sleep 100000\n"),
        // Says so on stdout whenever it gets SIGHUP, so a test can wait for the signal's effect.
        ("hupper.sh", "#!/bin/sh\ntrap 'echo got HUP' HUP\necho ready\nwhile :; do sleep 1 & wait $!; done\n"),

        // Ignores SIGHUP, so a test can send signal 1 without restarting it.
        ("patient.sh", "#!/bin/sh\ntrap '' HUP\necho hello\necho err >&2\nexec sleep 100000\n"),
    ];

    public const string Header = """
        [unix_http_server]
        file = {sock}

        [inet_http_server]
        port = 127.0.0.1:{port}

        [supervisord]
        logfile = {dir}/supervisord.log
        pidfile = {dir}/supervisord.pid
        childlogdir = {dir}
        identifier = compat

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        [supervisorctl]
        serverurl = unix://{sock}

        """;

    public const string Programs = """
        [program:sleeper]
        command = {dir}/sleeper.sh

        [program:failer]
        command = {dir}/failer.sh
        startretries = 1
        startsecs = 5

        [program:stubborn]
        command = {dir}/stubborn.sh
        stopwaitsecs = 1

        [program:talker]
        command = {dir}/talker.sh

        [program:manual]
        command = {dir}/sleeper.sh
        autostart = false

        [program:multi]
        command = {dir}/sleeper.sh
        numprocs = 2
        process_name = %(program_name)s_%(process_num)02d

        [program:a]
        command = {dir}/hupper.sh

        [program:b]
        command = {dir}/hupper.sh

        [group:grp]
        programs = a,b

        """;

    public const string BaseTemplate = Header + Programs;

    /// <summary>The base config after an edit: <c>added</c> is new, <c>sleeper</c> changed, <c>manual</c> removed.</summary>
    public static readonly string EditedTemplate = BaseTemplate
        .Replace("[program:manual]\ncommand = {dir}/sleeper.sh\nautostart = false\n\n", "", StringComparison.Ordinal)
        .Replace("[program:sleeper]\ncommand = {dir}/sleeper.sh\n", "[program:sleeper]\ncommand = {dir}/sleeper.sh\nstartsecs = 2\n", StringComparison.Ordinal)
        + "[program:added]\ncommand = {dir}/sleeper.sh\n\n";

    /// <summary>The base config plus a program <c>extra</c> and a group <c>xg</c> of two programs.</summary>
    public const string ExtendedTemplate = BaseTemplate + """
        [program:extra]
        command = {dir}/sleeper.sh

        [program:x1]
        command = {dir}/sleeper.sh

        [program:x2]
        command = {dir}/sleeper.sh
        autostart = false

        [group:xg]
        programs = x1,x2

        """;

    public string Template => ConfigTemplate ?? BaseTemplate;

    public static readonly IReadOnlyList<Scenario> All =
    [
        new("status",
            [
                new Ctl("status"),
                new Ctl("status sleeper"),
                new Ctl("status grp:*"),
                new Ctl("status multi:*"),
                new Ctl("status multi:multi_01 grp:b"),
                new Ctl("status sleeper manual"),
                new Ctl("status failer"),
                new Ctl("status nosuch"),
                new Ctl("status nosuch:*"),
                new Ctl("status all"),
                new Ctl("version"),
            ],
            [
                "grp:a                            RUNNING   pid <PID>, uptime <UPTIME>",
                "manual                           STOPPED   Not started",
                "failer                           FATAL     Exited too quickly (process log may have details)",
                "nosuch: ERROR (no such process)",
                "[exit 3]",
                "[exit 4]",
            ]),
        new("start-stop",
            [
                new Ctl("stop sleeper"),
                new Ctl("status sleeper"),
                new Ctl("stop sleeper"),
                new Ctl("start sleeper"),
                new Ctl("status sleeper"),
                new Ctl("start sleeper"),
                new Ctl("restart sleeper"),
                new Ctl("start nosuch"),
                new Ctl("start nosuch:*"),
                new Ctl("stop nosuch"),
                new Ctl("stop stubborn"),
                new Ctl("status stubborn"),
                new Ctl("start manual"),
                new Ctl("stop manual"),
                new Ctl("start failer"),
                new WaitFor("settled", Settled()),
                new Ctl("status failer"),
                new Ctl("stop failer"),
                new Ctl("start"),
                new Ctl("stop"),
                new Ctl("restart"),
                new Ctl("status"),
            ],
            [
                "sleeper: stopped",
                "sleeper                          STOPPED   <DATE>",
                "sleeper: ERROR (not running)",
                "sleeper: ERROR (already started)",
                "nosuch: ERROR (no such process)",
                "nosuch: ERROR (no such group)",
                "stubborn: stopped",
                "failer: ERROR (spawn error)",
                "Error: start requires a process name",
            ]),
        new("groups",
            [
                new Ctl("stop grp:*", Shape.Unordered),
                new Ctl("status grp:*"),
                new Ctl("start grp:*", Shape.Unordered),
                new Ctl("restart grp:*", Shape.RestartUnordered),
                new Ctl("stop multi:", Shape.Unordered),
                new Ctl("start multi:multi_01"),
                new Ctl("stop grp:a multi:multi_01"),
                new Ctl("start grp:a"),
                new Ctl("status"),
            ],
            ["grp:a: stopped", "grp:b: started", "multi:multi_01: started", "grp:b                            RUNNING   pid <PID>, uptime <UPTIME>"]),
        new("all",
            [
                new Ctl("stop all", Shape.Unordered),
                new Ctl("status"),
                new Ctl("stop all"),
                new Ctl("start all", Shape.Unordered),
                new WaitFor("settled", Settled()),
                new Ctl("status"),
                new Ctl("start all", Shape.Unordered),
                new WaitFor("settled", Settled()),
                new Ctl("restart all", Shape.RestartUnordered),
                new WaitFor("settled", Settled()),
                new Ctl("status"),
            ],
            ["stubborn: stopped", "manual: started", "failer: ERROR (spawn error)", "talker                           STOPPED   <DATE>"]),
        new("signal",
            [
                new Ctl("signal HUP grp:a"),
                new WaitForOutput("tail grp:a", "got HUP"),
                new Ctl("tail grp:a"),
                new Ctl("signal HUP grp:*", Shape.Unordered),
                new WaitForOutput("tail grp:a", "got HUP", 2),
                new WaitForOutput("tail grp:b", "got HUP"),
                new Ctl("tail grp:b"),
                new RememberPids(),
                new Ctl("signal USR1 sleeper"),
                new WaitFor("sleeper respawned", (status, run) => HasNewPid(status, run, "sleeper") && Settled()(status, run)),
                new Ctl("status sleeper"),
                new Ctl("signal HUP manual"),
                new Ctl("signal FOO sleeper"),
                new Ctl("signal HUP nosuch"),
                new Ctl("signal HUP nosuch:*"),
                new Ctl("signal 1 grp:b"),
                new WaitForOutput("tail grp:b", "got HUP", 2),
                new Ctl("signal HUP"),
                new Ctl("status grp:*"),
            ],
            ["grp:a: signalled", "got HUP", "manual: ERROR (not running)", "sleeper: ERROR (bad signal name)", "Error: signal requires a signal name and a process name"]),
        new("tail",
            [
                new Ctl("tail talker"),
                new Ctl("tail talker stderr"),
                new Ctl("tail -100 talker"),
                new Ctl("tail -5 talker stderr"),
                new Ctl("tail failer stderr"),
                new Ctl("tail manual"),
                new Ctl("tail nosuch"),
                new Ctl("tail talker foo"),
                new Ctl("tail -x talker"),
                new Ctl("tail"),
                new CtlFollow("tail -f talker"),
                new CtlFollow("tail -f talker stderr"),
                new CtlFollow("tail -f nosuch"),
            ],
            ["out line 1", "err line 2", "failing now", "==> Press Ctrl-C to exit <=="]),
        new("clear",
            [
                new Ctl("clear talker"),
                new Ctl("tail talker"),
                new Ctl("tail talker stderr"),
                new Ctl("clear nosuch"),
                new Ctl("clear all", Shape.Unordered),
                new Ctl("tail failer stderr"),
                new Ctl("clear"),
            ],
            ["talker: cleared", "grp:a: cleared", "Error: clear requires a process name"]),
        new("pid",
            [
                new Ctl("pid", Shape.Pids),
                new Check("'pid' is the daemon's pid", async run => (await run.CtlAsync(["pid"])).Stdout == run.Daemon.Pid + "\n"),
                new Ctl("pid sleeper", Shape.Pids),
                new Ctl("pid manual", Shape.Pids),
                new Ctl("pid failer", Shape.Pids),
                new Ctl("pid nosuch", Shape.Pids),
                new Ctl("pid all", Shape.Pids),
            ],
            ["<PID>", "0", "No such process nosuch", "[exit 7]"]),
        new("avail",
            [
                new Ctl("avail"),
                new Ctl("stop grp:*", Shape.Unordered),
                new Ctl("avail"),
            ],
            ["grp:a                            in use    auto      999:999", "manual                           in use    manual    999:999"]),
        new("reread-update",
            [
                new Ctl("reread"),
                new Ctl("update"),
                new EditConfig(EditedTemplate),
                new Ctl("reread"),
                new Ctl("avail"),
                new Ctl("status"),
                new Ctl("update nosuch"),
                new Ctl("update"),
                new WaitFor("settled", Settled()),
                new Ctl("status"),
                new Ctl("reread"),
                new Ctl("update"),
                new EditConfig(BaseTemplate),
                new Ctl("update sleeper"),
                new Ctl("update all"),
                new WaitFor("settled", Settled()),
                new Ctl("status"),
            ],
            [
                "No config updates to processes",
                "added: available",
                "manual: disappeared",
                "sleeper: changed",
                "manual: removed process group",
                "sleeper: updated process group",
                "added: added process group",
                "ERROR: no such group: nosuch",
            ]),
        new("add-remove",
            [
                new EditConfig(ExtendedTemplate),
                new Ctl("avail"),
                new Ctl("reread"),
                new Ctl("add extra"),
                new Ctl("add extra"),
                new Ctl("add nosuch"),
                new Ctl("add xg"),
                new WaitFor("settled", Settled("manual", "xg:x2")),
                new Ctl("status"),
                new Ctl("remove extra"),
                new Ctl("stop extra"),
                new Ctl("remove extra"),
                new Ctl("remove xg"),
                new Ctl("remove nosuch"),
                new Ctl("stop xg:*"),
                new Ctl("remove xg"),
                new Ctl("status"),
                new Ctl("avail"),
                new Ctl("add"),
            ],
            [
                "extra: added process group",
                "ERROR: process group already active",
                "ERROR: no such process/group: nosuch",
                "ERROR: process/group still running: extra",
                "extra: removed process group",
                "extra                            avail     auto      999:999",
            ]),
        new("maintail",
            [
                new Ctl("maintail", Shape.LogStructure),
                new Ctl("maintail -100000", Shape.LogStructure),
                new Ctl("stop sleeper"),
                new Ctl("maintail -100000", Shape.LogStructure),
                new Ctl("maintail -x"),
                new Ctl("maintail a b"),
                new CtlFollow("maintail -f", Shape.LogStructure),
            ],
            ["log lines: yes", "all lines '<TS> LEVL message': yes", "  gave up: failer entered FATAL state, too many start retries too quickly", "  stopped: sleeper (terminated by SIGTERM)"]),
        new("shutdown",
            [
                new Ctl("shutdown"),
                new DaemonExit(),
                new Ctl("status"),
                new Ctl("shutdown"),
                new Ctl("pid"),
            ],
            ["Shut down", "# daemon exited with 0", "unix://<DIR>/s.sock no such file"]),
        new("reload",
            [
                new RememberPids(),
                new Ctl("reload"),
                new WaitFor("every process restarted and settled", (status, run) =>
                    status.Where(p => p.Value.Pid != 0).All(p => HasNewPid(status, run, p.Key)) && Settled()(status, run)),
                new Ctl("status"),
                new Check("daemon pid unchanged", async run => (await run.CtlAsync(["pid"])).Stdout == run.Saved["daemon"] + "\n"),
                new EditConfig(EditedTemplate),
                new Ctl("reload"),
                new WaitFor("'added' running", (status, run) => status.TryGetValue("added", out var added) && added.State == "RUNNING" && Settled()(status, run)),
                new Ctl("status"),
            ],
            ["Restarted supervisord", "# daemon pid unchanged: yes", "added                            RUNNING   pid <PID>, uptime <UPTIME>"]),
        new("config-info",
            [
                // At start-up every group is activated, so AUTO logs show their files.
                new Rpc(ConfigLogs),
                new Rpc(ManualLogs),
                new Ctl("start manual"),
                new Ctl("stop manual"),
                new Rpc(ConfigLogs),

                // reloadConfig reads new configuration objects: 'auto' until a group is activated from them,
                // even for groups left running, whose processes keep their files.
                new Ctl("reread"),
                new Rpc(ConfigLogs),
                new Rpc(ManualLogs),
                new Ctl("start manual"),
                new Ctl("stop manual"),
                new Rpc(ConfigLogs),
                new Ctl("remove manual"),
                new Rpc(ConfigLogs),
                new Ctl("add manual"),
                new Rpc(ConfigLogs),

                // A removed group's configuration keeps the files it was activated with.
                new Ctl("remove manual"),
                new Rpc(ConfigLogs),
            ],
            [
                """{"value": [["manual", true, "<DIR>/manual-stdout---compat-<RANDOM>.log", "<DIR>/manual-stderr---compat-<RANDOM>.log"], ["sleeper", true, "<DIR>/sleeper-stdout---compat-<RANDOM>.log", "<DIR>/sleeper-stderr---compat-<RANDOM>.log"]]}""",
                """{"value": [["manual", true, "auto", "auto"], ["sleeper", true, "auto", "auto"]]}""",
                """{"value": [["manual", false, "auto", "auto"], ["sleeper", true, "auto", "auto"]]}""",
                """{"value": [["manual", true, "<DIR>/manual-stdout---compat-<RANDOM>.log", "<DIR>/manual-stderr---compat-<RANDOM>.log"], ["sleeper", true, "auto", "auto"]]}""",
                """{"value": [["manual", false, "<DIR>/manual-stdout---compat-<RANDOM>.log", "<DIR>/manual-stderr---compat-<RANDOM>.log"], ["sleeper", true, "auto", "auto"]]}""",
                """{"value": ["<DIR>/manual-stdout---compat-<RANDOM>.log", "<DIR>/manual-stderr---compat-<RANDOM>.log"]}""",
            ]),
        new("clear-log",
            [
                new Rpc("proxy.supervisor.clearLog()"),

                // The reference logs "reopening log file" into the file it has just removed.
                new Rpc("proxy.supervisor.readLog(0, 0)"),
                new Check("the console shows 'reopening log file'", run => Eventually(() => run.Daemon.Output.Contains(" INFO reopening log file", StringComparison.Ordinal))),
                new Ctl("stop sleeper"),
                new Rpc("[line[24:] for line in proxy.supervisor.readLog(0, 0).splitlines() if 'stopped:' in line]"),
            ],
            ["""{"value": ""}""", """{"value": ["WARN stopped: sleeper (terminated by SIGTERM)"]}""", "# the console shows 'reopening log file': yes"]),
        new("debug-log",
            [
                // failer's two quick exits at start-up, then a stop by TERM and one that needs KILL.
                new MainLogLines(ExitLines, ExitsAnswered(2)),
                new Ctl("stop sleeper"),
                new MainLogLines(ExitLines, ExitsAnswered(3)),
                new Ctl("stop stubborn"),
                new MainLogLines(ExitLines, ExitsAnswered(4)),
            ],
            [
                "  WARN exited: failer (exit status 1; not expected)",
                "  DEBG received SIGCHLD indicating a child quit",
                "  INFO gave up: failer entered FATAL state, too many start retries too quickly",
                "  WARN stopped: stubborn (terminated by SIGKILL)",
            ],
            BaseTemplate.Replace("identifier = compat\n", "identifier = compat\nloglevel = debug\n", StringComparison.Ordinal)),
        new("group-order",
            [
                // Decided on the spot first, in priority order (NO_FILE, the startsecs=0 OKs), then the waits as
                // they end (the child that dies before startsecs). Here it dies after 0.2 s: had it died before
                // the reference reaps right after spawning it, the reference too would list it first.
                // Issues/Issue0011CompatibilityTests repeats it 50 times with a child that dies at once.
                new Rpc(GroupOrderStop),
                new Rpc(GroupOrderStart),
                new Rpc(GroupOrderStop),
                new Rpc(GroupOrderStart),
            ],
            ["""{"value": [["nofile", 20], ["s1", 80], ["s2", 80], ["s3", 80], ["dier", 50]]}"""],
            BaseTemplate + """
                [program:dier]
                command = /bin/sh -c 'sleep 0.2; exit 1'
                startsecs = 5
                startretries = 0
                priority = 1

                [program:nofile]
                command = {dir}/does-not-exist
                startretries = 0
                priority = 2

                [program:s1]
                command = {dir}/sleeper.sh
                startsecs = 0
                priority = 3

                [program:s2]
                command = {dir}/sleeper.sh
                startsecs = 0
                priority = 4

                [program:s3]
                command = {dir}/sleeper.sh
                startsecs = 0
                priority = 5

                [group:r]
                programs = dier,nofile,s1,s2,s3

                """),
        new("wrong-types",
            [new WrongTypes(WrongTypeTable.Rows)],
            [
                "supervisor.addProcessGroup[123] -> fault 10 BAD_NAME: 123",
                "supervisor.startProcessGroup[['a'], False] -> fault 2 INCORRECT_PARAMETERS",
                "supervisor.readLog['abc', 10] -> " + WrongTypeTable.Refused,
                "supervisor.readLog[True, 10] -> ok str",
                "system.methodHelp[123] -> fault 4 SIGNATURE_UNSUPPORTED",
                "supervisor.stopProcess['sleeper', {}] -> ok bool",
            ],
            Header + """
                [program:sleeper]
                command = {dir}/patient.sh
                startsecs = 0

                [program:manual]
                command = {dir}/sleeper.sh
                autostart = false
                startsecs = 0

                [program:nolog]
                command = {dir}/sleeper.sh
                autostart = false
                startsecs = 0
                stdout_logfile = NONE

                """,
            ["manual", "nolog"]),
    ];

    private const string GroupOrderStart = "[(r['name'], r['status']) for r in proxy.supervisor.startProcessGroup('r')]";

    private const string GroupOrderStop = "sorted((r['name'], r['status']) for r in proxy.supervisor.stopProcessGroup('r'))";

    /// <summary>Main-log lines about a child's end, and the debug line the reference writes for each SIGCHLD.</summary>
    private const string ExitLines = @"^<TS> \w{4} (exited: |stopped: |gave up: |reaped unknown pid|received SIGCHLD)";

    /// <summary>At least <paramref name="count"/> exits logged, each followed by its SIGCHLD line.</summary>
    private static Func<IReadOnlyList<string>, bool> ExitsAnswered(int count) => lines =>
        lines.Count(l => l.Contains(" received SIGCHLD", StringComparison.Ordinal)) >= count
        && lines.Count(l => l.Contains(" exited: ", StringComparison.Ordinal) || l.Contains(" stopped: ", StringComparison.Ordinal)) >= count;

    /// <summary>getAllConfigInfo's log files of <c>manual</c> and <c>sleeper</c>, with whether their group is active.</summary>
    private const string ConfigLogs =
        "[(c['name'], c['inuse'], c['stdout_logfile'], c['stderr_logfile']) for c in proxy.supervisor.getAllConfigInfo() if c['name'] in ('manual', 'sleeper')]";

    /// <summary>getProcessInfo's log files of <c>manual</c>.</summary>
    private const string ManualLogs = "[proxy.supervisor.getProcessInfo('manual')[k] for k in ('stdout_logfile', 'stderr_logfile')]";

    public static TheoryData<string> Names => [.. All.Select(s => s.Name)];

    /// <summary>Set to <c>all</c> to self-test every scenario (about 5 minutes on 2 idle cores) instead of the quick three.</summary>
    public const string SelfTestVariable = "COMPAT_SELFTEST";

    /// <summary>
    /// The scenarios the harness self-test runs reference-vs-reference: by default three quick ones that
    /// cover the normalizations (pids, uptimes, dates, paths, following output); all with <c>COMPAT_SELFTEST=all</c>.
    /// </summary>
    public static TheoryData<string> SelfTestNames => Environment.GetEnvironmentVariable(SelfTestVariable) == "all"
        ? Names
        : ["status", "tail", "pid"];

    public static Scenario Get(string name) => All.Single(s => s.Name == name);

    /// <summary>
    /// No process in a transitional state (STARTING, BACKOFF, STOPPING) and none still "Not started"
    /// except <paramref name="neverStarted"/> (autostart=false ones; default <c>manual</c>).
    /// </summary>
    public static Func<Dictionary<string, StatusLine>, ScenarioRun, bool> Settled(params string[] neverStarted)
    {
        string[] allowed = neverStarted.Length == 0 ? ["manual"] : neverStarted;
        return (status, _) => status.All(p =>
            p.Value.State is "RUNNING" or "STOPPED" or "EXITED" or "FATAL"
            && (p.Value.Description != "Not started" || allowed.Contains(p.Key)));
    }

    /// <summary>Polls <paramref name="condition"/> for up to 10 s (the daemon's console output is read asynchronously).</summary>
    public static async Task<bool> Eventually(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !condition(); await Task.Delay(50))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The process runs with another pid than the one <see cref="RememberPids"/> kept.</summary>
    public static bool HasNewPid(Dictionary<string, StatusLine> status, ScenarioRun run, string name) =>
        status.TryGetValue(name, out var line) && line.Pid != 0
        && run.Saved.GetValueOrDefault("pid:" + name) != line.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
