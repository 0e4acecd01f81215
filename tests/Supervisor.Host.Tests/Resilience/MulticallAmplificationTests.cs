using System.Globalization;
using System.Text.Json;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Resilience;

/// <summary>
/// Issue 11 item 4: <c>system.multicall</c> of log reads turned a request of a few kilobytes into an
/// answer of hundreds of megabytes, built whole in memory (a 711 KB request reached the 2 GiB limit with
/// 7.77 GB resident). Now one response is at most 64 MiB, the answer is streamed entry by entry, and
/// calls past the limit are not made.
/// </summary>
public sealed class MulticallAmplificationTests
{
    private const int MiB = 1024 * 1024;
    private const int Calls = 200;

    private static readonly string Config = RunningDaemon.StandardSections.Replace("identifier = test-daemon", "identifier = test-daemon\nchildlogdir = {dir}", StringComparison.Ordinal) + """

        [program:writer]
        command = sh -c 'head -c 1048576 /dev/zero | tr "\0" "x"; exec sleep 600'
        startsecs = 0
        stdout_logfile_maxbytes = 0
        """;

    [PythonFact]
    public async Task AMulticallOfLogReadsStopsAtTheLimitWithFaultsAndStaysInBoundedMemory()
    {
        await using var daemon = await RunningDaemon.StartAsync(Config);
        await WaitForLogAsync(daemon);
        var peakBefore = StatusMiB(daemon.Process.Pid, "VmHWM");

        // Python's own MultiCall-shaped call over TCP: each entry a one-element array or a fault struct.
        var summary = await PythonClient.ValueAsync(daemon.TcpUrl, $$"""
            (lambda results: [len(r[0]) if isinstance(r, list) else [r['faultCode'], r['faultString']] for r in results])(
                proxy.system.multicall([{'methodName': 'supervisor.readProcessStdoutLog', 'params': ['writer', 0, {{MiB}}]}] * {{Calls}}))
            """);

        var entries = summary.EnumerateArray().ToList();
        Assert.Equal(Calls, entries.Count);
        var answered = entries.TakeWhile(e => e.ValueKind == JsonValueKind.Number).ToList();
        Assert.All(answered, e => Assert.Equal(MiB, e.GetInt32()));
        Assert.InRange(answered.Count, 60, 63);

        var refused = entries[answered.Count];
        Assert.Equal(30, refused[0].GetInt32());
        Assert.Equal("FAILED: the response would exceed the limit of 64 MiB per request", refused[1].GetString());
        Assert.All(entries.Skip(answered.Count + 1), e =>
        {
            Assert.Equal(30, e[0].GetInt32());
            Assert.Equal("FAILED: not called: the response would exceed the limit of 64 MiB per request", e[1].GetString());
        });

        // One answer at a time: the peak grew by far less than the 64 MiB sent (let alone the 200 MiB asked for).
        var peakAfter = StatusMiB(daemon.Process.Pid, "VmHWM");
        Assert.True(peakAfter - peakBefore < 120, $"peak resident memory grew from {peakBefore:F0} to {peakAfter:F0} MiB");
        Assert.Equal(1, (await daemon.Unix.ValueAsync("supervisor.getState") as Dictionary<string, object?>)!["statecode"]);
    }

    [Fact]
    public async Task ASmallMulticallKeepsItsContentLength()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        const string call = """
            <?xml version='1.0'?>
            <methodCall>
            <methodName>system.multicall</methodName>
            <params>
            <param>
            <value><array><data>
            <value><struct><member><name>methodName</name><value><string>supervisor.getState</string></value></member><member><name>params</name><value><array><data></data></array></value></member></struct></value>
            <value><struct><member><name>methodName</name><value><string>supervisor.nope</string></value></member></struct></value>
            </data></array></value>
            </param>
            </params>
            </methodCall>
            """;

        var response = await RawHttp.ExchangeAsync(daemon.EndPoint("unix"), RawHttp.Post("/RPC2", call));

        Assert.Equal(200, response.Status);
        Assert.Equal(response.Body.Length.ToString(CultureInfo.InvariantCulture), response.Header("Content-Length"));
        Assert.Equal(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n"
            + "<value><array><data>\n<value><struct>\n<member>\n<name>statecode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>statename</name>\n<value><string>RUNNING</string></value>\n</member>\n</struct></value>\n</data></array></value>\n"
            + "<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string></value>\n</member>\n</struct></value>\n"
            + "</data></array></value>\n</param>\n</params>\n</methodResponse>\n",
            response.BodyText);
    }

    private static async Task WaitForLogAsync(RunningDaemon daemon)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var info = (Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getProcessInfo", "writer"))!;
            var path = (string)info["stdout_logfile"]!;
            if (File.Exists(path) && new FileInfo(path).Length >= MiB)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the writer's log did not reach 1 MiB");
            await Task.Delay(100);
        }
    }

    private static double StatusMiB(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
