using Supervisor.Host.Config;

namespace Supervisor.Host.Tests.Config;

/// <summary><c>[group:x]</c>, homogeneous groups and group ordering (<c>supervisor/options.py</c>, <c>ServerOptions.process_groups_from_parser</c>).</summary>
public sealed class GroupSectionTests : IDisposable
{
    private readonly ProcessSectionLoader _loader = new();

    public void Dispose() => _loader.Dispose();

    [Fact]
    public void ListedProgramsJoinTheGroupAndStopBeingTheirOwnGroups()
    {
        var config = _loader.LoadOk(
            """
            [group:g]
            programs = b, a
            priority = 7
            [program:a]
            command = %(group_name)s-%(program_name)s
            [program:b]
            command = %(group_name)s-%(program_name)s
            priority = 1
            [program:c]
            command = %(group_name)s-%(program_name)s
            """);
        Assert.Equal(["g", "c"], config.Groups.Select(g => g.Name));
        var group = config.Groups[0];
        Assert.Equal(7, group.Priority);
        Assert.Equal(GroupKind.Program, group.Kind);
        Assert.Null(group.Pool);

        // Each keeps its own priority, which orders it inside the group.
        Assert.Equal(["b", "a"], group.Processes.Select(p => p.Name));
        Assert.Equal([1, 999], group.Processes.Select(p => p.Priority));
        Assert.Equal(["g-b", "g-a"], group.Processes.Select(p => p.Command));
        Assert.Equal("c-c", config.Groups[1].Processes.Single().Command);
    }

    [Fact]
    public void GroupProcessesAreOrderedByPriorityThenName()
    {
        var config = _loader.LoadOk(
            """
            [group:g]
            programs = z, m, y
            [program:z]
            command = x
            priority = 5
            [program:m]
            command = x
            process_name = m%(process_num)d
            numprocs = 2
            priority = 5
            [program:y]
            command = x
            priority = 10
            """);
        Assert.Equal(["m0", "m1", "z", "y"], config.Groups.Single().Processes.Select(p => p.Name));
    }

    [Fact]
    public void GroupPriorityDefaultsTo999AndProgramsMayBeEmpty()
    {
        var group = _loader.LoadOk("[group:g]\nprograms=\n[group:h]\n").Groups;
        Assert.Equal(["g", "h"], group.Select(g => g.Name));
        Assert.All(group, g => Assert.Equal(999, g.Priority));
        Assert.All(group, g => Assert.Empty(g.Processes));
    }

    [Fact]
    public void AHomogeneousGroupHasTheProgramsPriority()
    {
        var group = _loader.LoadOk("[program:a]\ncommand=x\npriority=42\n").Groups.Single();
        Assert.Equal(42, group.Priority);
        Assert.Equal(42, group.Processes.Single().Priority);
    }

    [Fact]
    public void GroupsAreSortedByPriorityThenName()
    {
        var config = _loader.LoadOk(
            """
            [program:b]
            command=x
            [program:a]
            command=x
            [group:z]
            priority=1
            [program:early]
            command=x
            priority=-5
            [eventlistener:listener]
            command=x
            events=TICK_5
            """);
        Assert.Equal(["early", "listener", "z", "a", "b"], config.Groups.Select(g => g.Name));
        Assert.Equal([-5, -1, 1, 999, 999], config.Groups.Select(g => g.Priority));
    }

    [Fact]
    public void ProgramsAndGroupsWithTheSameNameAndPriorityKeepTheReferencesReadingOrder()
    {
        // Heterogeneous groups are read before homogeneous ones, and the sort is stable.
        var config = _loader.LoadOk("[program:same]\ncommand=x\n[group:same]\n");
        Assert.Equal([0, 1], config.Groups.Select(g => g.Processes.Count));
    }

    [Fact]
    public void AnUnknownProgramIsAnUnwrappedError()
    {
        Assert.Equal(["[group:g] names unknown program or fcgi-program x"], _loader.Errors("[group:g]\nprograms=x\n"));
    }

    [Fact]
    public void AfterTheFirstResolvedProgramErrorsNameItsSection()
    {
        // Checked against the reference: "[program:a] names unknown program or fcgi-program x".
        Assert.Equal(
            ["[group:g] names unknown program or fcgi-program w", "[program:a] names unknown program or fcgi-program x"],
            _loader.Errors("[group:g]\nprograms=w,a,x\n[program:a]\ncommand=x\n"));
    }

    [Fact]
    public void EventListenersCannotBeListedInAGroup()
    {
        // Checked against the reference.
        Assert.Equal(
            ["[group:g] names unknown program or fcgi-program e"],
            _loader.Errors("[group:g]\nprograms=e\n[eventlistener:e]\ncommand=x\nevents=TICK_5\n"));
    }

    [Fact]
    public void AProgramAlsoDefinedAsFcgiProgramIsAmbiguous()
    {
        // Checked against the reference.
        Assert.Equal(
            ["[group:g] name a is ambiguous (exists as program and fcgi-program)", "[fcgi-program:a] is not supported by this daemon (FastCGI programs are not implemented)"],
            _loader.Errors("[group:g]\nprograms=a\n[program:a]\ncommand=x\n[fcgi-program:a]\ncommand=x\nsocket=unix:///tmp/x.sock\n"));
    }

    [Fact]
    public void FcgiProgramsAreReportedAsUnsupportedOnce()
    {
        Assert.Equal(
            ["[fcgi-program:f] is not supported by this daemon (FastCGI programs are not implemented)"],
            _loader.Errors("[group:g]\nprograms=f\n[fcgi-program:f]\ncommand=x\nsocket=unix:///tmp/x.sock\n"));
        var result = _loader.Load("[fcgi-program:f]\ncommand=x\n");
        var error = Assert.Single(result.Errors);
        Assert.Equal("fcgi-program:f", error.Section);
    }

    [Fact]
    public void AnInvalidGroupNameIsAnUnwrappedError()
    {
        // Checked against the reference.
        Assert.Equal(["Invalid name: 'g:h' because of character: ':'"], _loader.Errors("[group:g:h]\nprograms=\n"));
    }

    [Fact]
    public void AnInvalidGroupPriorityIsAnUnwrappedError()
    {
        // Checked against the reference.
        Assert.Equal(["invalid literal for int() with base 10: 'x1'"], _loader.Errors("[group:g]\npriority=x1\n"));
    }

    [Fact]
    public void GroupKeysKnowOnlyHereAndEnvNames()
    {
        Assert.Equal(
            ["Format string '%(program_name)s' for 'group:g.programs' contains names ('program_name') which cannot be expanded. Available names: ENV_HOME, ENV_SITE, ENV_TMPDIR, here"],
            _loader.Errors("[group:g]\nprograms=%(program_name)s\n"));
        var group = _loader.LoadOk("[group:g]\nprograms=%(ENV_P)s\n[program:p]\ncommand=x\n", "environment=P=p").Groups.Single();
        Assert.Equal("g", group.Name);
        Assert.Equal("p", group.Processes.Single().Name);
    }

    [Fact]
    public void AMemberProgramsBadPriorityIsWrapped()
    {
        // Checked against the reference: only the per-process builder reads a member's priority.
        Assert.Equal(
            ["invalid literal for int() with base 10: 'abc'" + _loader.Wrap("program:a")],
            _loader.Errors("[group:g]\nprograms=a\n[program:a]\ncommand=x\npriority=abc\n"));
    }

    [Fact]
    public void AMemberProgramsBadNameIsWrapped()
    {
        Assert.Equal(
            ["Invalid name: 'a b' because of character: ' '" + _loader.Wrap("program:a b")],
            _loader.Errors("[group:g]\nprograms=a b\n[program:a b]\ncommand=x\n"));
    }

    [Fact]
    public void ErrorsOfSeveralSectionsAreAllReportedInTheReferencesOrder()
    {
        Assert.Equal(
            [
                "[group:g] names unknown program or fcgi-program nope",
                "not a valid boolean value: 'x'" + _loader.Wrap("program:a"),
                "[eventlistener:e] section requires an \"events\" line",
            ],
            _loader.Errors("[eventlistener:e]\ncommand=x\n[program:a]\ncommand=x\nautostart=x\n[group:g]\nprograms=nope\n"));
    }
}
