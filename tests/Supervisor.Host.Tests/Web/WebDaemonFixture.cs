using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Web;

/// <summary>
/// A daemon with programs for the web pages: running ones, one in a group, one whose name and output carry
/// markup and ANSI colours, one whose command does not exist, one without a stdout log, and one the action tests
/// stop and start (the others keep their states).
/// </summary>
public sealed class WebDaemonFixture : IAsyncLifetime
{
    public const string MarkupName = "<b>evil<b>";

    private const string Programs = """
        [program:sleeper]
        command = /bin/sleep 1000
        startsecs = 0

        [program:<b>evil<b>]
        command = /bin/sh -c "printf '\033[31mred\033[0m <script>alert(1)</script> & more\n'; exec sleep 1000"
        startsecs = 0

        [program:nosuch]
        command = /nonexistent/program
        autostart = false

        [program:nolog]
        command = /bin/sleep 1000
        autostart = false
        stdout_logfile = NONE

        [program:toggled]
        command = /bin/sleep 1000
        startsecs = 0

        [program:a]
        command = /bin/sleep 1000
        startsecs = 0

        [group:grp]
        programs = a

        """;

    private RunningDaemon? _daemon;

    internal RunningDaemon Daemon => _daemon ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _daemon = await SupervisedPrograms.StartAsync(Programs);
        foreach (var name in new[] { "sleeper", MarkupName, "toggled", "grp:a" })
        {
            await _daemon.WaitForStateAsync(name, "RUNNING");
        }
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}
