using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>A daemon whose unix socket and TCP port both require <c>alice</c> with a password that contains colons and a space.</summary>
public sealed class PasswordDaemonFixture : IAsyncLifetime
{
    public const string Username = "alice";
    public const string Password = "s3:cr:et pw";

    private const string Config = """
        [unix_http_server]
        file = {sock}
        username = alice
        password = s3:cr:et pw

        [inet_http_server]
        port = 127.0.0.1:{port}
        username = alice
        password = s3:cr:et pw

        [supervisord]
        logfile = {dir}/supervisord.log
        pidfile = {dir}/supervisord.pid

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
        """;

    private RunningDaemon? _daemon;

    internal RunningDaemon Daemon => _daemon ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _daemon = await RunningDaemon.StartAsync(Config, username: Username, password: Password);

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}

/// <summary>
/// A daemon with <c>{SHA}</c> passwords for <c>admin</c>: lower-case hex on the unix socket (the form
/// that works), upper-case hex of the same digest on the TCP port (which never matches).
/// </summary>
public sealed class ShaPasswordDaemonFixture : IAsyncLifetime
{
    public const string LowerHex = "d033e22ae348aeb5660fc2140aec35850c4da997";

    private const string Config = """
        [unix_http_server]
        file = {sock}
        username = admin
        password = {SHA}d033e22ae348aeb5660fc2140aec35850c4da997

        [inet_http_server]
        port = 127.0.0.1:{port}
        username = admin
        password = {SHA}D033E22AE348AEB5660FC2140AEC35850C4DA997

        [supervisord]
        logfile = {dir}/supervisord.log
        pidfile = {dir}/supervisord.pid

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
        """;

    private RunningDaemon? _daemon;

    internal RunningDaemon Daemon => _daemon ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _daemon = await RunningDaemon.StartAsync(Config, username: "admin", password: "admin");

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}

/// <summary>
/// HTTP Basic authentication on both listeners, before any handler runs (<c>supervisor/http.py</c>,
/// <c>make_http_servers</c> and <c>encrypted_dictionary_authorizer.authorize</c>; the 401 page of
/// <c>supervisor/medusa/auth_handler.py</c>, <c>auth_handler.handle_unauthorized</c>).
/// </summary>
public sealed class AuthenticationTests(PasswordDaemonFixture password, ShaPasswordDaemonFixture sha)
    : IClassFixture<PasswordDaemonFixture>, IClassFixture<ShaPasswordDaemonFixture>
{
    private RunningDaemon Daemon => password.Daemon;

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task NoCredentialsIsUnauthorizedWithTheBasicChallengeAndTheConnectionIsClosed(string transport)
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint(transport));

        var response = await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetStateCall));

        RoutingAndConnectionTests.AssertErrorPage(response, 401, "Unauthorized");
        Assert.Equal("Basic realm=\"default\"", response.Header("WWW-Authenticate"));
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await connection.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        await AssertStillServingAsync(Daemon, transport);
    }

    [Theory]
    [InlineData("unix", "alice:wrong")]
    [InlineData("tcp", "alice:wrong")]
    [InlineData("tcp", "alice:s3")]
    [InlineData("tcp", "alice:s3:cr:et pw ")]
    [InlineData("unix", "Alice:s3:cr:et pw")]
    [InlineData("tcp", "alice :s3:cr:et pw")]
    [InlineData("tcp", ":s3:cr:et pw")]
    [InlineData("tcp", "alice")]
    public async Task WrongCredentialsAreUnauthorized(string transport, string credentials)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", RawHttp.BasicCredentials(credentials)));

        RoutingAndConnectionTests.AssertErrorPage(response, 401, "Unauthorized");
        await AssertStillServingAsync(Daemon, transport);
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task RightCredentialsWithColonsInThePasswordAreAccepted(string transport)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", RawHttp.BasicCredentials("alice:s3:cr:et pw")));

        Assert.Equal(RawHttp.GetStateResponse, response.BodyText);
        Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await Daemon.Client(transport).ValueAsync("supervisor.getState"))!)["statename"]);
    }

    [Fact]
    public async Task SchemeAndHeaderNameAreCaseInsensitive()
    {
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3:cr:et pw"));

        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint("tcp"), RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", "authorization: basic " + token));

        Assert.Equal(RawHttp.GetStateResponse, response.BodyText);
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task AuthenticationComesBeforeTheMethodCheck(string transport)
    {
        var anonymous = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Request("GET", "/RPC2"));
        var authenticated = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Request("GET", "/RPC2", RawHttp.BasicCredentials("alice:s3:cr:et pw")));

        RoutingAndConnectionTests.AssertErrorPage(anonymous, 401, "Unauthorized");
        RoutingAndConnectionTests.AssertErrorPage(authenticated, 400, "Bad Request");
    }

    [Fact]
    public async Task EveryPathRequiresAuthentication()
    {
        var anonymous = await RawHttp.ExchangeAsync(Daemon.EndPoint("tcp"), RawHttp.Request("GET", "/nosuch"));
        var authenticated = await RawHttp.ExchangeAsync(Daemon.EndPoint("tcp"), RawHttp.Request("GET", "/nosuch", RawHttp.BasicCredentials("alice:s3:cr:et pw")));

        RoutingAndConnectionTests.AssertErrorPage(anonymous, 401, "Unauthorized");
        RoutingAndConnectionTests.AssertErrorPage(authenticated, 404, "Not Found");
    }

    [Theory]
    [InlineData("Authorization: Bearer YWxpY2U6czM6Y3I6ZXQgcHc=")]
    [InlineData("Authorization: Digest username=\"alice\"")]
    [InlineData("Authorization: YWxpY2U6czM6Y3I6ZXQgcHc=")]
    [InlineData("Authorization: ")]
    public async Task OtherSchemesAreUnauthorized(string header)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint("tcp"), RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", header));

        RoutingAndConnectionTests.AssertErrorPage(response, 401, "Unauthorized");
        await AssertStillServingAsync(Daemon, "tcp");
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task UndecodableBase64IsBadRequest(string transport)
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint(transport));

        var response = await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", "Authorization: Basic abc"));

        RoutingAndConnectionTests.AssertErrorPage(response, 400, "Bad Request");
        await AssertStillServingAsync(Daemon, transport);
    }

    [Fact]
    public async Task ShaPasswordAcceptsThePlainPassword()
    {
        var response = await RawHttp.ExchangeAsync(sha.Daemon.EndPoint("unix"), RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", RawHttp.BasicCredentials("admin:admin")));

        Assert.Equal(RawHttp.GetStateResponse, response.BodyText);
    }

    [Theory]
    [InlineData("admin:{SHA}" + ShaPasswordDaemonFixture.LowerHex)]
    [InlineData("admin:" + ShaPasswordDaemonFixture.LowerHex)]
    [InlineData("admin:D033E22AE348AEB5660FC2140AEC35850C4DA997")]
    [InlineData("admin:Admin")]
    public async Task ShaPasswordRejectsTheDigestItselfAndOtherPasswords(string credentials)
    {
        var response = await RawHttp.ExchangeAsync(sha.Daemon.EndPoint("unix"), RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", RawHttp.BasicCredentials(credentials)));

        RoutingAndConnectionTests.AssertErrorPage(response, 401, "Unauthorized");
    }

    [Fact]
    public async Task ShaPasswordConfiguredInUpperCaseHexNeverMatches()
    {
        foreach (var credentials in new[] { "admin:admin", "admin:D033E22AE348AEB5660FC2140AEC35850C4DA997", "admin:{SHA}D033E22AE348AEB5660FC2140AEC35850C4DA997" })
        {
            var response = await RawHttp.ExchangeAsync(sha.Daemon.EndPoint("tcp"), RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", RawHttp.BasicCredentials(credentials)));
            Assert.Equal(401, response.Status);
        }
    }

    private static async Task AssertStillServingAsync(RunningDaemon daemon, string transport)
    {
        var state = (Dictionary<string, object?>)(await daemon.Client(transport).ValueAsync("supervisor.getState"))!;
        Assert.Equal("RUNNING", state["statename"]);
    }
}
