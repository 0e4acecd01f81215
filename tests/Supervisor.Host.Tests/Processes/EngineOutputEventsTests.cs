using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>
/// PROCESS_LOG and PROCESS_COMMUNICATION events from a real child under the real daemon, observed by a plugin
/// subscribed through <c>ISupervisord.Events</c> (tests/TestPlugins/Twiddler).
/// </summary>
public sealed class EngineOutputEventsTests
{
    private const string Talker = """
        printf 'hello t\303\253st\n'
        sleep 0.3
        printf 'before<!--XSUPERVISOR:BEGIN-->hello comm<!--XSUPERVISOR:END-->after, and enough to flush\n'
        sleep 0.3
        printf 'to stderr\n' >&2
        exec sleep 1000
        """;

    private static string Config(string stderrLogfile) => """
        [supervisord]
        plugins = {dir}/plugins

        [rpcinterface:twiddler]
        supervisor.rpcinterface_factory = TestPlugins.Twiddler.Factory:Make

        [program:talker]
        command = {dir}/talker.sh
        startsecs = 0
        stdout_logfile = {dir}/talker.out
        stdout_events_enabled = true
        stdout_capture_maxbytes = 1KB
        stderr_logfile = @STDERR@
        stderr_events_enabled = true
        """.Replace("@STDERR@", stderrLogfile, StringComparison.Ordinal);

    private static void Prepare(TempDirectory dir)
    {
        TestPlugins.Install(dir.File("plugins"), "Twiddler");
        dir.Script("talker.sh", Talker);
    }

    /// <summary>Polls the plugin until the stderr event and at least <paramref name="stdoutBytes"/> bytes of PROCESS_LOG_STDOUT data arrived.</summary>
    private static async Task<List<string>> OutputEventsAsync(RunningDaemon daemon, int stdoutBytes)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            List<string> events = [.. ((object?[])(await daemon.Unix.ValueAsync("twiddler.observedOutput"))!).Cast<string>()];
            var stdoutData = events.Where(e => e.StartsWith("PROCESS_LOG_STDOUT", StringComparison.Ordinal)).Sum(e => Encoding.UTF8.GetByteCount(e[(e.IndexOf('\n') + 1)..]));
            if (events.Any(e => e.StartsWith("PROCESS_LOG_STDERR", StringComparison.Ordinal)) && stdoutData >= stdoutBytes)
            {
                return events;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new Xunit.Sdk.XunitException($"timed out waiting for the output events; seen:\n{string.Join("\n---\n", events)}\n{daemon.MainLog()}");
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task ARealChildsOutputBecomesLogAndCommunicationEvents()
    {
        // Info level and no stderr file: the sink must exist for the events alone.
        await using var daemon = await SupervisedPrograms.StartAsync(Config("NONE"), Prepare);
        var pid = (int)(await daemon.WaitForStateAsync("talker", "RUNNING"))["pid"]!;
        const string logged = "hello tëst\nbeforehello commafter, and enough to flush\n";
        var events = await OutputEventsAsync(daemon, Encoding.UTF8.GetByteCount(logged));

        // How the pipe cuts the output into chunks is the kernel's business; the data and headers are not.
        var stdoutHeader = $"PROCESS_LOG_STDOUT processname:talker groupname:talker pid:{pid} channel:stdout\n";
        var stdout = events.Where(e => e.StartsWith("PROCESS_LOG_STDOUT", StringComparison.Ordinal)).ToList();
        Assert.All(stdout, e => Assert.StartsWith(stdoutHeader, e, StringComparison.Ordinal));
        Assert.Equal(logged, string.Concat(stdout.Select(e => e[stdoutHeader.Length..])));
        Assert.Equal([$"PROCESS_COMMUNICATION_STDOUT processname:talker groupname:talker pid:{pid}\nhello comm"], events.Where(e => e.StartsWith("PROCESS_COMMUNICATION", StringComparison.Ordinal)));
        Assert.Equal([$"PROCESS_LOG_STDERR processname:talker groupname:talker pid:{pid} channel:stderr\nto stderr\n"], events.Where(e => e.StartsWith("PROCESS_LOG_STDERR", StringComparison.Ordinal)));

        // The comm event comes after the PROCESS_LOG event of the captured text and before the next one.
        var comm = events.FindIndex(e => e.StartsWith("PROCESS_COMMUNICATION", StringComparison.Ordinal));
        Assert.EndsWith("hello comm", events[comm - 1], StringComparison.Ordinal);
        Assert.Equal("hello tëst\nbeforeafter, and enough to flush\n", File.ReadAllText(daemon.Directory.File("talker.out")));
    }

    [Fact]
    public async Task AtDebugLevelTheMainLogShowsTheCapturedTextAndTheCommEvent()
    {
        await using var daemon = await SupervisedPrograms.StartAsync(Config("{dir}/talker.err"), Prepare, loglevel: "debug");
        await daemon.WaitForStateAsync("talker", "RUNNING");
        await OutputEventsAsync(daemon, Encoding.UTF8.GetByteCount("hello tëst\nbeforehello commafter, and enough to flush\n"));
        await SupervisedPrograms.WaitUntilAsync(() => daemon.LogLines("emitted a comm event").Count == 1, "the comm event's DEBG line");
        Assert.Equal(["'talker' stdout emitted a comm event"], daemon.LogLines("emitted a comm event"));
        Assert.Contains("DEBG 'talker' stdout output:\nhello comm\n", daemon.MainLog(), StringComparison.Ordinal);
        Assert.Equal("to stderr\n", File.ReadAllText(daemon.Directory.File("talker.err")));
    }
}
