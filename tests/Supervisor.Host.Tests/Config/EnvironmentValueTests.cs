using Supervisor.Host.Config;

namespace Supervisor.Host.Tests.Config;

/// <summary><c>environment=</c> parsing (<c>supervisor/datatypes.py</c>, <c>dict_of_key_value_pairs</c>); expected values come from the reference's parser.</summary>
public sealed class EnvironmentValueTests
{
    private static IReadOnlyDictionary<string, string> Pairs(string text)
    {
        var parsed = ConfigValues.KeyValuePairs(text);
        Assert.True(parsed.IsOk, parsed.Error);
        return parsed.Value!;
    }

    [Theory]
    [InlineData("A=1,B=2", "A=1|B=2")]
    [InlineData("A=\"x,y\",B='c d'", "A=x,y|B=c d")]
    [InlineData("A=1;B=2", "A=1|B=2")]
    [InlineData("A=a b", "A=a")]
    [InlineData("A=$HOME", "A=$")]
    [InlineData("A=x#y,B=1", "A=x")]
    [InlineData("D=100%", "D=100")]
    [InlineData("A=aé", "A=a")]
    [InlineData("A=1,", "A=1")]
    [InlineData("A=\"\"x\"\"", "A=")]
    [InlineData("A=1,A=2", "A=2")]
    [InlineData("PATH=/usr/bin:/bin,X=a.b+c-(d)", "PATH=/usr/bin:/bin|X=a.b+c-(d)")]
    [InlineData("A=1,\n  B=2", "A=1|B=2")]
    [InlineData("", "")]
    public void ParsesLikeTheReferenceShlexGroupsOfFour(string text, string expected)
    {
        Assert.Equal(expected, string.Join("|", Pairs(text).Select(p => $"{p.Key}={p.Value}")));
    }

    [Theory]
    [InlineData("A=foo@bar")]
    [InlineData("A=a*b")]
    [InlineData("A")]
    [InlineData("A=")]
    [InlineData("A=1,B")]
    [InlineData("A=\"x\"y,B=1")]
    public void ShortOrMisalignedGroupsAreUnexpectedEnd(string text)
    {
        Assert.Equal($"Unexpected end of key/value pairs in value '{text}'", ConfigValues.KeyValuePairs(text).Error);
    }

    [Fact]
    public void UnclosedQuoteIsNoClosingQuotation()
    {
        Assert.Equal("No closing quotation", ConfigValues.KeyValuePairs("A=\"unterminated").Error);
    }

    [Fact]
    public void OrderOfFirstAppearanceIsKept()
    {
        Assert.Equal(["B", "A"], Pairs("B=1,A=2,B=3").Keys);
    }
}
