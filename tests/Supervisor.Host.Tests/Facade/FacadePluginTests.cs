using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Facade;

/// <summary>
/// A third-party plugin (tests/TestPlugins/Twiddler) does through <c>ISupervisord</c> what Supervisor's
/// plugins had to monkey-patch for: add and remove programs in a running group, and observe committed
/// state changes in order.
/// </summary>
public sealed class FacadePluginTests
{
    private const string Config = """
        [supervisord]
        plugins = {dir}/plugins

        [rpcinterface:twiddler]
        supervisor.rpcinterface_factory = TestPlugins.Twiddler.Factory:Make

        [group:workers]
        programs = base

        [program:base]
        command = sleep 1000
        startsecs = 0
        """;

    [Fact]
    public async Task APluginAddsAProgramToARunningGroupWatchesItRunAndRemovesIt()
    {
        await using var daemon = await SupervisedPrograms.StartAsync(Config, dir => TestPlugins.Install(dir.File("plugins"), "Twiddler"));
        await daemon.WaitForStateAsync("workers:base", "RUNNING");

        var options = new Dictionary<string, object?> { ["command"] = "sleep 1000", ["startsecs"] = "0" };
        var added = (object?[])(await daemon.Unix.ValueAsync("twiddler.addProgramToGroup", "workers", "extra", options))!;
        Assert.Equal(["extra"], added);
        var info = await daemon.WaitForStateAsync("workers:extra", "RUNNING");
        Assert.Equal("Running", await daemon.Unix.ValueAsync("twiddler.stateOf", "workers", "extra"));

        var duplicate = await daemon.Unix.FaultAsync("twiddler.addProgramToGroup", "workers", "extra", options);
        Assert.Equal("ALREADY_ADDED: workers:extra", duplicate.String);
        var running = await daemon.Unix.FaultAsync("twiddler.removeProcessFromGroup", "workers", "extra");
        Assert.Equal("STILL_RUNNING: workers:extra", running.String);

        await daemon.Unix.ValueAsync("supervisor.stopProcess", "workers:extra", true);
        Assert.Equal(true, await daemon.Unix.ValueAsync("twiddler.removeProcessFromGroup", "workers", "extra"));
        var fault = await daemon.Unix.FaultAsync("supervisor.getProcessInfo", "workers:extra");
        Assert.Equal("BAD_NAME: workers:extra", fault.String);

        // The plugin saw the new process's transitions, committed and in order.
        var pid = (int)info["pid"]!;
        var observed = ((object?[])(await daemon.Unix.ValueAsync("twiddler.observed"))!).Cast<string>().Where(e => e.Contains("processname:extra ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "PROCESS_STATE_STARTING processname:extra groupname:workers from_state:STOPPED tries:0",
                $"PROCESS_STATE_RUNNING processname:extra groupname:workers from_state:STARTING pid:{pid}",
                $"PROCESS_STATE_STOPPING processname:extra groupname:workers from_state:RUNNING pid:{pid}",
                $"PROCESS_STATE_STOPPED processname:extra groupname:workers from_state:STOPPING pid:{pid}",
            ],
            observed);
    }

    [Fact]
    public async Task AnInvalidProgramIsRefusedWithTheReason()
    {
        await using var daemon = await SupervisedPrograms.StartAsync(Config, dir => TestPlugins.Install(dir.File("plugins"), "Twiddler"));
        var noCommand = await daemon.Unix.FaultAsync("twiddler.addProgramToGroup", "workers", "broken", new Dictionary<string, object?> { ["startsecs"] = "0" });
        Assert.StartsWith("INCORRECT_PARAMETERS: ", noCommand.String);
        Assert.Contains("command", noCommand.String);
        var noGroup = await daemon.Unix.FaultAsync("twiddler.addProgramToGroup", "nosuch", "x", new Dictionary<string, object?> { ["command"] = "true" });
        Assert.Equal("BAD_NAME: nosuch", noGroup.String);
    }
}
