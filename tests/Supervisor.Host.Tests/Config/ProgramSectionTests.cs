using Supervisor.Abstractions;
using Supervisor.Host.Config;

namespace Supervisor.Host.Tests.Config;

/// <summary><c>[program:x]</c> keys, their expansion names, numprocs and warnings (<c>supervisor/options.py</c>, <c>ServerOptions._processes_from_section</c>).</summary>
public sealed class ProgramSectionTests : IDisposable
{
    private readonly ProcessSectionLoader _loader = new();

    public void Dispose() => _loader.Dispose();

    private ProcessConfig Single(string text, string supervisord = "")
    {
        var config = _loader.LoadOk(text, supervisord);
        return Assert.Single(Assert.Single(config.Groups).Processes);
    }

    [Fact]
    public void OnlyACommandGivesTheReferenceDefaults()
    {
        var config = _loader.LoadOk("[program:a]\ncommand=/bin/cat\n");
        var group = Assert.Single(config.Groups);
        Assert.Equal("a", group.Name);
        Assert.Equal(999, group.Priority);
        Assert.Equal(GroupKind.Program, group.Kind);
        Assert.Null(group.Pool);

        var process = Assert.Single(group.Processes);
        Assert.Equal("program:a", process.Section);
        Assert.Equal("a", process.ProgramName);
        Assert.Equal("a", process.Name);
        Assert.Equal("/bin/cat", process.Command);
        Assert.Null(process.Directory);
        Assert.Null(process.Umask);
        Assert.Equal(999, process.Priority);
        Assert.True(process.Autostart);
        Assert.Equal(AutoRestart.Unexpected, process.Autorestart);
        Assert.Equal(1, process.Startsecs);
        Assert.Equal(3, process.Startretries);
        Assert.Equal([0], process.Exitcodes);
        Assert.Equal(15, process.Stopsignal);
        Assert.Equal(10, process.Stopwaitsecs);
        Assert.False(process.Stopasgroup);
        Assert.False(process.Killasgroup);
        Assert.Null(process.User);
        Assert.Null(process.Uid);
        Assert.Null(process.Gid);
        Assert.False(process.RedirectStderr);
        Assert.Empty(process.Environment);
        Assert.Null(process.ServerUrl);
        var defaultLog = new ChildLogConfig { File = null, IsAuto = true, MaxBytes = 50 * 1024 * 1024, Backups = 10 };
        Assert.Equal(defaultLog, process.Stdout);
        Assert.Equal(defaultLog, process.Stderr);
        Assert.Empty(_loader.Load("[program:a]\ncommand=/bin/cat\n").Messages);
    }

    [Fact]
    public void EveryKeyIsReadAndTyped()
    {
        var process = Single(
            """
            [program:a]
            command = /bin/cat -n
            priority = 5
            autostart = no
            autorestart = TRUE
            startsecs = 7
            startretries = 1_0
            exitcodes = 0,2,255
            stopsignal = usr1
            stopwaitsecs = 30
            stopasgroup = true
            user = root
            umask = 077
            directory = /does/not/need/to/exist
            serverurl = http://127.0.0.1:9001
            stdout_logfile = NONE
            stdout_logfile_maxbytes = 1KB
            stdout_logfile_backups = 3
            stdout_capture_maxbytes = 2mb
            stdout_events_enabled = yes
            stdout_syslog = on
            stderr_logfile = Off
            stderr_logfile_maxbytes = 0
            stderr_logfile_backups = 0
            stderr_capture_maxbytes = 1024
            stderr_events_enabled = 1
            stderr_syslog = true
            """);
        Assert.Equal("/bin/cat -n", process.Command);
        Assert.Equal(5, process.Priority);
        Assert.False(process.Autostart);
        Assert.Equal(AutoRestart.Always, process.Autorestart);
        Assert.Equal(7, process.Startsecs);
        Assert.Equal(10, process.Startretries);
        Assert.Equal([0, 2, 255], process.Exitcodes);
        Assert.Equal(10, process.Stopsignal);
        Assert.Equal(30, process.Stopwaitsecs);
        Assert.True(process.Stopasgroup);
        Assert.True(process.Killasgroup);
        Assert.Equal("root", process.User);
        Assert.Equal(0, process.Uid);
        Assert.Equal(0, process.Gid);
        Assert.Equal(63, process.Umask);
        Assert.Equal("/does/not/need/to/exist", process.Directory);
        Assert.Equal("http://127.0.0.1:9001", process.ServerUrl);
        Assert.Equal(
            new ChildLogConfig { File = null, IsAuto = false, MaxBytes = 1024, Backups = 3, CaptureMaxBytes = 2 * 1024 * 1024, EventsEnabled = true, Syslog = true },
            process.Stdout);
        Assert.Equal(
            new ChildLogConfig { File = null, IsAuto = false, MaxBytes = 0, Backups = 0, CaptureMaxBytes = 1024, EventsEnabled = true, Syslog = true },
            process.Stderr);
    }

    [Theory]
    [InlineData("AUTO")]
    [InlineData("auto")]
    [InlineData(" AUTO ")]
    public void ServerUrlAutoInAnyCaseMeansTheDaemonsOwn(string value)
    {
        Assert.Null(Single($"[program:a]\ncommand=x\nserverurl={value}\n").ServerUrl);
    }

    [Fact]
    public void UserByNumberResolvesToUidAndPrimaryGid()
    {
        var process = Single("[program:a]\ncommand=x\nuser=0\n");
        Assert.Equal("0", process.User);
        Assert.Equal(0, process.Uid);
        Assert.Equal(0, process.Gid);
    }

    [Fact]
    public void KillasgroupCanBeSetWithoutStopasgroup()
    {
        var process = Single("[program:a]\ncommand=x\nkillasgroup=true\n");
        Assert.False(process.Stopasgroup);
        Assert.True(process.Killasgroup);
    }

    [Fact]
    public void LogFilePathsAreExpandedAndTheirDirectoryMustExist()
    {
        Directory.CreateDirectory(Path.Combine(_loader.Dir, "logs"));
        var process = Single("[program:a]\ncommand=x\nstdout_logfile=~/logs/out.log\nstderr_logfile=%(here)s/err.log\n");
        Assert.Equal(new ChildLogConfig { File = Path.Combine(_loader.Dir, "logs/out.log") }, process.Stdout);
        Assert.Equal(Path.Combine(_loader.Dir, "err.log"), process.Stderr.File);
        Assert.False(process.Stderr.IsAuto);
    }

    [Fact]
    public void ARelativeLogFileStaysRelativeAsInTheReference()
    {
        // datatypes.existing_dirpath returns a path without a directory part unchanged.
        Assert.Equal("out.log", Single("[program:a]\ncommand=x\nstdout_logfile=out.log\n").Stdout.File);
    }

    [Fact]
    public void ALogFileInAMissingDirectoryIsAWrappedError()
    {
        // Checked against the reference: "The directory named as part of the path /nonexist/0.log does not exist in section 'program:a' (file: ...)".
        Assert.Equal(
            ["The directory named as part of the path /nonexist/0.log does not exist" + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\ncommand=x\nstdout_logfile=/nonexist/%(process_num)d.log\n"));
    }

    [Fact]
    public void LogFileNamesAreExpandedTwice()
    {
        // Checked against the reference: pct%%%%d → pct%d (getAllConfigInfo stdout_logfile '/.../pct%d-0.log').
        var process = Single("[program:a]\ncommand=x\nstdout_logfile=%(here)s/pct%%%%d-%(process_num)d.log\n");
        Assert.Equal(Path.Combine(_loader.Dir, "pct%d-0.log"), process.Stdout.File);

        Assert.Equal(
            ["Format string 'pct%d.log' for 'stdout_logfile' is badly formatted: %d format: a real number is required, not dict" + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\ncommand=x\nstdout_logfile=pct%%d.log\n"));
    }

    [Fact]
    public void DeprecatedSyslogLogFileBecomesSyslogTrueWithAWarning()
    {
        var result = _loader.Load("[program:a]\ncommand=x\nstdout_logfile=SYSLOG\n");
        var process = Assert.Single(result.Config!.Groups.Single().Processes);
        Assert.Null(process.Stdout.File);
        Assert.False(process.Stdout.IsAuto);
        Assert.True(process.Stdout.Syslog);
        Assert.False(process.Stderr.Syslog);
        Assert.Equal(
            [new ConfigMessage(MainLogLevel.Warn, "For [program:a], stdout_logfile=syslog but this is deprecated and will be removed.  Use stdout_syslog=true to enable syslog instead.")],
            result.Messages);
    }

    [Fact]
    public void RedirectStderrDropsTheStderrLogAndWarnsOnlyForAFileName()
    {
        var redirected = _loader.Load("[program:a]\ncommand=x\nredirect_stderr=true\n");
        var process = Assert.Single(redirected.Config!.Groups.Single().Processes);
        Assert.True(process.RedirectStderr);
        Assert.Null(process.Stderr.File);
        Assert.False(process.Stderr.IsAuto);
        Assert.True(process.Stdout.IsAuto);
        Assert.Empty(redirected.Messages);

        var withFile = _loader.Load("[program:a]\ncommand=x\nredirect_stderr=true\nstderr_logfile=/tmp/e.log\n");
        Assert.Null(withFile.Config!.Groups.Single().Processes.Single().Stderr.File);
        Assert.Equal(
            [new ConfigMessage(MainLogLevel.Warn, "For [program:a], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored")],
            withFile.Messages);
    }

    [Fact]
    public void WarningsComeInTheReferencesOrderOncePerProcess()
    {
        // Checked against the reference's log: the warnings of b repeat for each of its two processes.
        var result = _loader.Load(
            """
            [program:b]
            command=x
            process_name=%(program_name)s_%(process_num)02d
            numprocs=2
            stdout_logfile_maxbytes=0
            stderr_logfile=syslog
            [program:c]
            command=x
            redirect_stderr=true
            stderr_logfile=/tmp/x.log
            stdout_logfile=SYSLOG
            """);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        const string Auto = "For [program:b], AUTO logging used for stdout_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally";
        const string Syslog = "For [program:b], stderr_logfile=syslog but this is deprecated and will be removed.  Use stderr_syslog=true to enable syslog instead.";
        Assert.Equal(
            [
                Auto, Syslog, Auto, Syslog,
                "For [program:c], stdout_logfile=syslog but this is deprecated and will be removed.  Use stdout_syslog=true to enable syslog instead.",
                "For [program:c], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored",
            ],
            result.Messages.Select(m => m.Text));
        Assert.All(result.Messages, m => Assert.Equal(MainLogLevel.Warn, m.Level));
    }

    [Fact]
    public void NumprocsExpandsProcessNameAndPerProcessKeys()
    {
        var config = _loader.LoadOk(
            """
            [program:b]
            process_name=%(program_name)s_%(process_num)02d
            numprocs=2
            numprocs_start=3
            command=run --slot %(process_num)d of %(numprocs)d
            directory=/srv/%(process_num)d
            environment=SLOT="%(process_num)d"
            stdout_logfile_backups=%(process_num)d
            """);
        var processes = Assert.Single(config.Groups).Processes;
        Assert.Equal(["b_03", "b_04"], processes.Select(p => p.Name));
        Assert.Equal(["run --slot 3 of 2", "run --slot 4 of 2"], processes.Select(p => p.Command));
        Assert.Equal(["/srv/3", "/srv/4"], processes.Select(p => p.Directory));
        Assert.Equal(["3", "4"], processes.Select(p => p.Environment["SLOT"]));
        Assert.Equal([3, 4], processes.Select(p => p.Stdout.Backups));
        Assert.All(processes, p => Assert.Equal("b", p.ProgramName));
    }

    [Fact]
    public void NumprocsZeroGivesAGroupWithoutProcesses()
    {
        var group = Assert.Single(_loader.LoadOk("[program:a]\ncommand=x\nnumprocs=0\n").Groups);
        Assert.Equal("a", group.Name);
        Assert.Empty(group.Processes);
    }

    [Fact]
    public void NumprocsAboveOneNeedsProcessNumInProcessName()
    {
        // Checked against the reference.
        Assert.Equal(
            ["%(process_num) must be present within process_name when numprocs > 1" + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\ncommand=x\nnumprocs=2\n"));
    }

    [Fact]
    public void StopasgroupWithoutKillasgroupIsRejected()
    {
        // Checked against the reference.
        Assert.Equal(
            ["Cannot set stopasgroup=true and killasgroup=false" + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\ncommand=x\nstopasgroup=true\nkillasgroup=false\n"));
    }

    [Fact]
    public void CommandIsRequiredButMayBeEmpty()
    {
        // Checked against the reference: "program section program:a does not specify a command in section 'program:a' (file: ...)".
        Assert.Equal(
            ["program section program:a does not specify a command" + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\nautostart=false\n"));
        Assert.Equal(string.Empty, Single("[program:a]\ncommand=\n").Command);
    }

    [Fact]
    public void WrappedErrorsNameTheSectionAndKey()
    {
        var result = _loader.Load("[program:a]\ncommand=x\nautostart=maybe\n");
        var error = Assert.Single(result.Errors);
        Assert.Equal("program:a", error.Section);
        Assert.Equal("autostart", error.Key);
        Assert.Equal("not a valid boolean value: 'maybe'" + _loader.Wrap("program:a"), error.Message);
    }

    [Fact]
    public void EveryErrorOfASectionIsCollectedInReadingOrder()
    {
        Assert.Equal(
            [
                "not a valid boolean value: 'maybe'" + _loader.Wrap("program:a"),
                "invalid 'autorestart' value 'sometimes'" + _loader.Wrap("program:a"),
                "value 'NOPE' is not a valid signal name" + _loader.Wrap("program:a"),
                "not a valid list of exit codes: '0,256'" + _loader.Wrap("program:a"),
                "invalid literal for int() with base 10: '10xb'" + _loader.Wrap("program:a"),
                "Invalid user name no_such_user_here" + _loader.Wrap("program:a"),
                "9 can not be converted to an octal type" + _loader.Wrap("program:a"),
                "program section program:a does not specify a command" + _loader.Wrap("program:a"),
            ],
            _loader.Errors(
                """
                [program:a]
                umask=9
                user=no_such_user_here
                stdout_capture_maxbytes=10XB
                exitcodes=0,256
                stopsignal=NOPE
                autorestart=Sometimes
                autostart=maybe
                """));
    }

    [Fact]
    public void UnknownUserIdIsAWrappedError()
    {
        Assert.Equal(["Invalid user id 987654" + _loader.Wrap("program:a")], _loader.Errors("[program:a]\ncommand=x\nuser=987654\n"));
    }

    [Fact]
    public void AnInvalidProgramNameIsNotWrapped()
    {
        Assert.Equal(["Invalid name: 'a b' because of character: ' '"], _loader.Errors("[program:a b]\ncommand=x\n"));
    }

    [Fact]
    public void AnInvalidProcessNameIsWrappedAndCheckedBeforeExpansion()
    {
        Assert.Equal(
            ["Invalid name: 'x:%(process_num)d' because of character: ':'" + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\ncommand=x\nprocess_name=x:%(process_num)d\n"));

        // The expanded result is not re-validated.
        Assert.Equal("a:b", Single("[program:a]\ncommand=x\nprocess_name=%(ENV_X)s\nenvironment=X=\"a:b\"\n").Name);
    }

    [Fact]
    public void PriorityIsReadAtGroupLevelFirstUnwrappedAndOnce()
    {
        // As 4.2.5 prints it: "priority=abc → Error: invalid literal for int() with base 10: 'abc'" (no suffix).
        Assert.Equal(["invalid literal for int() with base 10: 'abc'"], _loader.Errors("[program:a]\ncommand=x\npriority=abc\n"));
        Assert.Equal(
            ["Format string '%(program_name)s' for 'program:a.priority' contains names ('program_name') which cannot be expanded. Available names: ENV_HOME, ENV_SITE, ENV_TMPDIR, here"],
            _loader.Errors("[program:a]\ncommand=x\npriority=%(program_name)s\n"));
    }

    [Fact]
    public void SectionLevelKeysDoNotKnowProcessNum()
    {
        // Checked against the reference (same text, with its own environment's ENV_ names).
        Assert.Equal(
            ["Format string '%(process_num)s' for 'program:a.autostart' contains names ('process_num') which cannot be expanded. Available names: ENV_HOME, ENV_SITE, ENV_TMPDIR, group_name, here, host_node_name, program_name"
                + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\ncommand=x\nautostart=%(process_num)s\n"));
    }

    [Fact]
    public void SectionLevelKeysKnowProgramGroupAndHostNames()
    {
        var process = Single("[program:a]\ncommand=x\nuser=%(ENV_USERNAME)s\nserverurl=http://%(host_node_name)s/%(program_name)s/%(group_name)s\n", "environment=USERNAME=root");
        Assert.Equal("http://node1/a/a", process.ServerUrl);
        Assert.Equal(0, process.Uid);
    }

    [Fact]
    public void ProgramNameIsAStringForFormatting()
    {
        // Checked against the reference: "... is badly formatted: %d format: a real number is required, not str in section ...".
        Assert.Equal(
            ["Format string '%(process_num)02d %(numprocs)d %(group_name)s %(program_name)d' for 'program:a.command' is badly formatted: %d format: a real number is required, not str"
                + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\ncommand=%(process_num)02d %(numprocs)d %(group_name)s %(program_name)d\n"));
    }

    [Fact]
    public void PerProcessKeysKnowEveryName()
    {
        var process = Single(
            "[program:a]\ncommand=%(here)s %(program_name)s %(group_name)s %(host_node_name)s %(process_num)d %(numprocs)d %(ENV_SITE)s %(ENV_OWN)s\nenvironment=OWN=mine\n");
        Assert.Equal($"{_loader.Dir} a a node1 0 1 example mine", process.Command);
    }

    [Fact]
    public void TheProgramsEnvironmentKeysAreEnvNamesForOtherKeysButNotForItself()
    {
        // Checked against the reference: directory=%(ENV_A)s with environment=A="%(ENV_HOME)s" gave HOME.
        var process = Single("[program:a]\ncommand=x\nenvironment=A=\"%(ENV_HOME)s\",B=2\ndirectory=%(ENV_A)s\n");
        Assert.Equal(_loader.Dir, process.Directory);

        Assert.Equal(
            ["Format string 'A=1,B=%(ENV_A)s' for 'environment' contains names ('ENV_A') which cannot be expanded. Available names: ENV_HOME, ENV_SITE, ENV_TMPDIR, group_name, here, host_node_name, numprocs, process_num, program_name"
                + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\ncommand=x\nenvironment=A=1,B=%(ENV_A)s\n"));
    }

    [Fact]
    public void EnvironmentIsMergedOverTheSupervisordOneProgramWinning()
    {
        var process = Single("[program:a]\ncommand=%(ENV_GLOBAL)s\nenvironment=SHARED=program,OWN=1\n", "environment=GLOBAL=g,SHARED=daemon");
        Assert.Equal("g", process.Command);
        Assert.Equal(
            new Dictionary<string, string> { ["GLOBAL"] = "g", ["SHARED"] = "program", ["OWN"] = "1" },
            process.Environment.ToDictionary());
    }

    [Fact]
    public void ABadEnvironmentValueIsAWrappedError()
    {
        Assert.Equal(
            ["Unexpected end of key/value pairs in value 'A=foo@bar'" + _loader.Wrap("program:a")],
            _loader.Errors("[program:a]\ncommand=x\nenvironment=A=foo@bar\n"));
    }

    [Fact]
    public void ProcessesOfAProgramAreOrderedByName()
    {
        var processes = _loader.LoadOk("[program:p]\ncommand=x\nprocess_name=n%(process_num)d\nnumprocs=11\nnumprocs_start=0\n").Groups.Single().Processes;
        Assert.Equal(["n0", "n1", "n10", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"], processes.Select(p => p.Name));
    }

    [Fact]
    public void DefaultSectionKeysApplyToPrograms()
    {
        Assert.False(Single("[DEFAULT]\nautostart=false\n[program:a]\ncommand=x\n").Autostart);
    }

    [Fact]
    public void ErrorsOfAnIncludedSectionNameTheIncludedFile()
    {
        var included = _loader.Write("conf.d/a.conf", "[program:a]\ncommand=x\nautostart=maybe\n");
        Assert.Equal(
            [$"not a valid boolean value: 'maybe' in section 'program:a' (file: '{included}')"],
            _loader.Errors("[include]\nfiles=conf.d/*.conf\n"));
    }

    [Fact]
    public void HereInAnIncludedProgramIsThatFilesDirectory()
    {
        _loader.Write("conf.d/a.conf", "[program:a]\ncommand=%(here)s/run\n");
        var config = _loader.LoadOk("[include]\nfiles=conf.d/*.conf\n");
        Assert.Equal(Path.Combine(_loader.Dir, "conf.d/run"), config.Groups.Single().Processes.Single().Command);
    }
}
