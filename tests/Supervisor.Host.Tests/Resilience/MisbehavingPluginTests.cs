using System.Diagnostics;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Resilience;

/// <summary>
/// Issue 11 items 6 and 7: a plugin that blocks its threads, or throws on a thread of its own, must not
/// hold up or end the daemon. Before, sixteen 15-second blocking calls held <c>getState</c> for up to
/// 12 s (the thread pool starved), and an exception on a plugin's own thread ended the process.
/// </summary>
public sealed class MisbehavingPluginTests
{
    private const int BlockingCalls = 64;
    private const int BlockMilliseconds = 6000;

    private const string Sections = RunningDaemon.StandardSections + """
        [supervisord]
        plugins = {dir}/plugins

        [rpcinterface:throwing]
        supervisor.rpcinterface_factory = testplugins.throwing.factory:make

        [rpcinterface:twiddler]
        supervisor.rpcinterface_factory = TestPlugins.Twiddler.Factory:Make
        """;

    private static Task<RunningDaemon> StartAsync() =>
        RunningDaemon.StartAsync(Sections, dir => TestPlugins.Install(dir.File("plugins"), "Throwing", "Twiddler"));

    [Theory]
    [InlineData("throwing.sleep")]
    [InlineData("throwing.sleepAfterAwait")]
    public async Task SixtyFourBlockingCallsDelayNeitherTheBuiltInNamespaceNorAnotherPlugin(string blockingMethod)
    {
        await using var daemon = await StartAsync();
        var clock = Stopwatch.StartNew();
        var blocking = Enumerable.Range(0, BlockingCalls).Select(_ => CallOnItsOwnConnectionAsync(daemon.Port, blockingMethod, BlockMilliseconds)).ToList();
        await Task.Delay(500);

        // While all of them hold their threads, everyone else is answered at once.
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            var one = Stopwatch.StartNew();
            Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getState"))!)["statename"]);
            Assert.False((await daemon.Unix.CallAsync("twiddler.observed")).IsFault);
            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
        }

        Assert.True(clock.ElapsedMilliseconds < BlockMilliseconds, "the blocking calls should still be in flight while the others are measured");
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"a getState and a twiddler call took {slowest.TotalMilliseconds:F0} ms while {BlockingCalls} plugin calls blocked");

        // The blocking calls themselves ran side by side and all answered.
        var answers = await Task.WhenAll(blocking);
        Assert.All(answers, answer => Assert.Contains("<boolean>1</boolean>", answer));
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(BlockMilliseconds * 3), $"{BlockingCalls} calls of {BlockMilliseconds} ms took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Theory]
    [InlineData("throwing.threadThrows", "thrown on the plugin's own thread")]
    [InlineData("throwing.asyncVoidThrows", "thrown by an async void method")]
    public async Task AnExceptionOnAPluginsOwnThreadIsLoggedAndTheDaemonKeepsRunning(string method, string message)
    {
        await using var daemon = await StartAsync();

        Assert.Equal(true, await daemon.Unix.ValueAsync(method));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        string log;
        while (!(log = await File.ReadAllTextAsync(daemon.LogPath)).Contains(message, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the exception was not logged");
            await Task.Delay(50);
        }

        Assert.Contains("CRIT a plugin's code raised an exception that nothing caught, on thread ", log);
        Assert.Contains("the thread ends and supervisord keeps running: System.InvalidOperationException: " + message, log);
        await Task.Delay(300);
        Assert.False(daemon.Process.HasExited, daemon.Process.Output);
        Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getState"))!)["statename"]);
    }

    /// <summary>One call on a TCP connection of its own (the raw response text), so the calls really are concurrent.</summary>
    private static async Task<string> CallOnItsOwnConnectionAsync(int port, string method, int milliseconds)
    {
        var body = $"<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n<params>\n<param>\n<value><int>{milliseconds}</int></value>\n</param>\n</params>\n</methodCall>\n";
        await using var connection = await RawHttpConnection.OpenAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        var response = await connection.ExchangeAsync(RawHttp.Post("/RPC2", body), TimeSpan.FromSeconds(60));
        return response.BodyText;
    }
}
