using Supervisor.Host.Config;

namespace Supervisor.Host.Tests.Config;

/// <summary>
/// <see cref="ProgramSections.FromOptions"/>: a program added at run time (supervisor_twiddler's
/// <c>addProgramToGroup</c>) is read like a <c>[program:x]</c> section listed in the group.
/// </summary>
public sealed class ProgramSectionsFromOptionsTests : IDisposable
{
    private readonly ProcessSectionLoader _loader = new();

    public void Dispose() => _loader.Dispose();

    private SupervisordConfig Config() => _loader.LoadOk("[group:g]\n", "environment=GLOBAL=1,SHARED=daemon");

    [Fact]
    public void OptionsAreReadAsTheKeysOfAProgramInTheGroup()
    {
        var result = ProgramSections.FromOptions(
            Config(),
            "g",
            "web",
            new Dictionary<string, string>
            {
                ["Command"] = "serve %(group_name)s %(program_name)s %(process_num)d %(ENV_GLOBAL)s",
                ["process_name"] = "%(program_name)s_%(process_num)02d",
                ["numprocs"] = "2",
                ["numprocs_start"] = "3",
                ["priority"] = "5",
                ["environment"] = "SHARED=program",
                ["autostart"] = "false",
            });
        Assert.True(result.IsOk, result.Error);
        var processes = result.Value!;
        Assert.Equal(["web_03", "web_04"], processes.Select(p => p.Name));
        Assert.Equal(["serve g web 3 1", "serve g web 4 1"], processes.Select(p => p.Command));
        Assert.All(processes, p => Assert.Equal("program:web", p.Section));
        Assert.All(processes, p => Assert.Equal("web", p.ProgramName));
        Assert.All(processes, p => Assert.Equal(5, p.Priority));
        Assert.All(processes, p => Assert.False(p.Autostart));
        Assert.All(processes, p => Assert.Equal(new Dictionary<string, string> { ["GLOBAL"] = "1", ["SHARED"] = "program" }, p.Environment.ToDictionary()));
    }

    [Fact]
    public void DefaultsAreTheSectionDefaults()
    {
        var process = Assert.Single(ProgramSections.FromOptions(Config(), "g", "cat", new Dictionary<string, string> { ["command"] = "/bin/cat" }).Value!);
        Assert.Equal("cat", process.Name);
        Assert.Equal(999, process.Priority);
        Assert.True(process.Stdout.IsAuto);
        Assert.Null(process.ServerUrl);
    }

    [Fact]
    public void ErrorsAreTheSectionErrorsWithoutTheWrapSuffix()
    {
        var missing = ProgramSections.FromOptions(Config(), "g", "web", new Dictionary<string, string>());
        Assert.Equal("program section program:web does not specify a command", missing.Error);

        var several = ProgramSections.FromOptions(
            Config(),
            "g",
            "web",
            new Dictionary<string, string> { ["command"] = "x", ["autostart"] = "maybe", ["numprocs"] = "2" });
        Assert.Equal(
            "not a valid boolean value: 'maybe'\n%(process_num) must be present within process_name when numprocs > 1",
            several.Error);

        var badName = ProgramSections.FromOptions(Config(), "g", "a:b", new Dictionary<string, string> { ["command"] = "x" });
        Assert.Equal("Invalid name: 'a:b' because of character: ':'", badName.Error);
    }
}
