using System.Text;
using Supervisor.Host.Http;

namespace Supervisor.Host.Tests.Http;

public sealed class BasicAuthTests
{
    private static string Header(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Theory]
    [InlineData("user:123", "user", "123", "Accepted")]
    [InlineData("user:pa:ss", "user", "pa:ss", "Accepted")]
    [InlineData("User:123", "user", "123", "Rejected")]
    [InlineData("user:1234", "user", "123", "Rejected")]
    [InlineData("user", "user", "123", "Rejected")]
    [InlineData("admin:admin", "admin", "{SHA}d033e22ae348aeb5660fc2140aec35850c4da997", "Accepted")]
    [InlineData("admin:{SHA}d033e22ae348aeb5660fc2140aec35850c4da997", "admin", "{SHA}d033e22ae348aeb5660fc2140aec35850c4da997", "Rejected")]
    [InlineData("admin:admin", "admin", "{SHA}D033E22AE348AEB5660FC2140AEC35850C4DA997", "Rejected")]
    public void ChecksLikeTheReference(string credentials, string username, string password, string expected)
    {
        Assert.Equal(Enum.Parse<BasicAuth.Result>(expected), BasicAuth.Check(Header(credentials), username, password));
    }

    [Theory]
    [InlineData(null, "Rejected")]
    [InlineData("Bearer abc", "Rejected")]
    [InlineData("Basic !!!not-base64", "Malformed")]
    [InlineData("basic dXNlcjoxMjM=", "Accepted")]
    public void HandlesSchemesAndBadEncodings(string? header, string expected)
    {
        Assert.Equal(Enum.Parse<BasicAuth.Result>(expected), BasicAuth.Check(header, "user", "123"));
    }
}
