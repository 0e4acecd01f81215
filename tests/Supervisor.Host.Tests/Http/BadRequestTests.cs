using System.Text;
using Supervisor.Host.Tests.Integration;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>
/// Request bodies the daemon must refuse with 400 (as <c>supervisor_xmlrpc_handler.continue_request</c> in
/// <c>supervisor/xmlrpc.py</c> does for unmarshallable data or no method name), and after each one the
/// daemon, and the very same connection, must go on serving.
/// </summary>
public sealed class BadRequestTests(SampleDaemonFixture fixture) : IClassFixture<SampleDaemonFixture>
{
    private RunningDaemon Daemon => fixture.Daemon;

    public static TheoryData<string, string> BadBodies => new()
    {
        { "unix", "<methodCall><methodName>supervisor.getState</methodName></methodCal>" },
        { "tcp", "<methodCall><methodName>supervisor.getState</methodName></methodCal>" },
        { "unix", "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<par" },
        { "tcp", "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<par" },
        { "tcp", "this is not XML at all" },
        { "tcp", "" },
        { "unix", "<methodCall><methodName></methodName></methodCall>" },
        { "tcp", "<methodCall><methodName></methodName></methodCall>" },
        { "tcp", "<methodCall><params></params></methodCall>" },
        { "unix", "<methodCall><methodName>supervisor.readLog</methodName><params><param><value><int>abc</int></value></param><param><value><int>0</int></value></param></params></methodCall>" },
        { "tcp", "<methodCall><methodName>supervisor.readLog</methodName><params><param><value><int>1.5</int></value></param><param><value><int>0</int></value></param></params></methodCall>" },
        { "tcp", "<methodCall><methodName>another.echoLater</methodName><params><param><value><double>many</double></value></param></params></methodCall>" },
        { "tcp", "<methodCall><methodName>another.echoLater</methodName><params><param><value><dateTime.iso8601>2024-01-02</dateTime.iso8601></value></param></params></methodCall>" },
        { "unix", "<methodCall><methodName>another.log</methodName><params><param><value>bell\u0007</value></param></params></methodCall>" },
        { "tcp", "<methodCall><methodName>another.log</methodName><params><param><value>escape &#27;[31m</value></param></params></methodCall>" },
        { "unix", "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY e \"supervisor.getState\">]><methodCall><methodName>&e;</methodName></methodCall>" },
        { "tcp", "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><methodCall><methodName>another.log</methodName><params><param><value>&b;&b;&b;</value></param></params></methodCall>" },
        { "tcp", "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><methodCall><methodName>another.log</methodName><params><param><value>&x;</value></param></params></methodCall>" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task UnreadableBodyIsBadRequestAndTheConnectionGoesOnServing(string transport, string body)
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint(transport));

        RoutingAndConnectionTests.AssertErrorPage(await connection.ExchangeAsync(RawHttp.Post("/RPC2", body)), 400, "Bad Request");

        await AssertStillServingAsync(connection, transport);
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task BodyThatIsNotUtf8IsBadRequest(string transport)
    {
        // "café" in Latin-1: the reference drops the connection; ours answers 400 (README).
        var body = Encoding.Latin1.GetBytes("<?xml version='1.0' encoding='ISO-8859-1'?><methodCall><methodName>another.log</methodName><params><param><value>caf\u00e9</value></param></params></methodCall>");
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint(transport));

        RoutingAndConnectionTests.AssertErrorPage(await connection.ExchangeAsync(RawHttp.Post("/RPC2", body)), 400, "Bad Request");

        await AssertStillServingAsync(connection, transport);
    }

    [Fact]
    public async Task Utf8BodyIsReadAsUtf8WhateverItsDeclaration()
    {
        var body = "<?xml version='1.0' encoding='ISO-8859-1'?><methodCall><methodName>another.echoLater</methodName><params><param><value>caf\u00e9 \u2713</value></param><param><value><int>0</int></value></param></params></methodCall>";

        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint("tcp"), RawHttp.Post("/RPC2", body));

        Assert.Contains("<string>caf\u00e9 \u2713</string>", response.BodyText);
    }

    [Theory]
    [InlineData("<methodCall><methodName>supervisor.nosuch</methodName></methodCall>", 1, "UNKNOWN_METHOD")]
    [InlineData("<methodCall><methodName>supervisor.getState</methodName><params><param><value>x</value></param></params></methodCall>", 2, "INCORRECT_PARAMETERS")]
    [InlineData("<methodCall><methodName>another.attempt</methodName><params><param><value><int>-1</int></value></param></params></methodCall>", 3, "BAD_ARGUMENTS: failures must be 0 or more")]
    public async Task WellFormedButWrongCallIsAFaultWithStatus200(string body, int code, string text)
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint("tcp"));

        var response = await connection.ExchangeAsync(RawHttp.Post("/RPC2", body));

        Assert.Equal(200, response.Status);
        Assert.Equal(
            "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n"
            + $"<value><int>{code}</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>{text}</string></value>\n"
            + "</member>\n</struct></value>\n</fault>\n</methodResponse>\n",
            response.BodyText);
        await AssertStillServingAsync(connection, "tcp");
    }

    [Fact]
    public async Task ParameterOfTheWrongTypeIsIncorrectParametersWithTheReason()
    {
        var body = "<methodCall><methodName>another.attempt</methodName><params><param><value><string>x</string></value></param></params></methodCall>";

        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint("unix"), RawHttp.Post("/RPC2", body));

        Assert.Equal(200, response.Status);
        Assert.Contains("<value><int>2</int></value>", response.BodyText);
        Assert.Contains("<value><string>INCORRECT_PARAMETERS: parameter 1: ", response.BodyText);
    }

    [Fact]
    public async Task RootOtherThanMethodCallIsAcceptedAndMissingParamsMeanNone()
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint("unix"), RawHttp.Post("/RPC2", "<anything><methodName>supervisor.getState</methodName></anything>"));

        Assert.Equal(RawHttp.GetStateResponse, response.BodyText);
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task BodyOver16MiBIsRefusedWith413BeforeItIsSent(string transport)
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint(transport));
        await connection.SendAsync(Encoding.ASCII.GetBytes($"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: {(16 << 20) + 1}\r\n\r\n"));

        // The status line's reason and the page's message agree, as on every other error page.
        RoutingAndConnectionTests.AssertErrorPage(await connection.ReadResponseAsync(), 413, "Payload Too Large");
        Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await Daemon.Client(transport).ValueAsync("supervisor.getState"))!)["statename"]);
    }

    [Fact]
    public async Task ClientThatDisconnectsMidBodyLeavesTheDaemonServing()
    {
        await using (var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint("tcp")))
        {
            var request = RawHttp.Post("/RPC2", RawHttp.GetStateCall);
            await connection.SendAsync(request[..^10]);
        }

        Assert.Equal(1, ((Dictionary<string, object?>)(await Daemon.Tcp.ValueAsync("supervisor.getState"))!)["statecode"]);
    }

    /// <summary>A getState on the same connection and one on a fresh client of the same transport.</summary>
    private async Task AssertStillServingAsync(RawHttpConnection connection, string transport)
    {
        Assert.Equal(RawHttp.GetStateResponse, (await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetStateCall))).BodyText);
        var state = (Dictionary<string, object?>)(await Daemon.Client(transport).ValueAsync("supervisor.getState"))!;
        Assert.Equal("RUNNING", state["statename"]);
    }
}
