using Supervisor.Host.Http;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>
/// The daemon asks .NET's socket layer for inline completions through an environment variable of its own
/// process; its children must not see it (a .NET child would inherit the setting).
/// </summary>
public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public async Task TheVariableTheDaemonSetsDoesNotReachItsChildren()
    {
        await using var daemon = await RunningDaemon.StartAsync(RunningDaemon.StandardSections + """
            [program:env]
            command = /usr/bin/env
            startsecs = 0
            autorestart = false
            stdout_logfile = {dir}/env.log
            """);
        var log = daemon.Directory.File("env.log");
        await SupervisedPrograms.WaitUntilAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("PATH="), "the child's environment in its log", seconds: 20);

        var environment = File.ReadAllText(log);
        Assert.Contains("PATH=", environment);
        Assert.DoesNotContain(InlineSocketCompletions.Variable, environment);
        Assert.DoesNotContain(InlineSocketCompletions.ThreadCountVariable, environment);

        // Answers still come (over the sockets whose completions run inline).
        Assert.False((await daemon.Tcp.CallAsync("supervisor.getState")).IsFault);
        Assert.False((await daemon.Unix.CallAsync("supervisor.getState")).IsFault);
    }
}
