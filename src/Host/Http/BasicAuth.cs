using System.Security.Cryptography;
using System.Text;

namespace Supervisor.Host.Http;

/// <summary>HTTP Basic authentication against one configured user, as the reference checks it.</summary>
internal static class BasicAuth
{
    internal enum Result
    {
        Accepted,
        Rejected,

        /// <summary>The header's base64 does not decode: the reference answers 400.</summary>
        Malformed,
    }

    public static Result Check(string? authorizationHeader, string username, string password)
    {
        const string scheme = "Basic ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Result.Rejected;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorizationHeader[scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            return Result.Malformed;
        }

        // Split at the first colon: passwords may contain colons. (The reference answers 500 when
        // there is no colon at all; a plain rejection is the better answer.)
        var colon = decoded.IndexOf(':');
        if (colon < 0)
        {
            return Result.Rejected;
        }

        var user = decoded[..colon];
        var supplied = decoded[(colon + 1)..];
        return user == username && PasswordMatches(supplied, password) ? Result.Accepted : Result.Rejected;
    }

    /// <summary><c>{SHA}hex</c> compares the lower-case hex SHA-1 of the supplied password; anything else is plain equality.</summary>
    public static bool PasswordMatches(string supplied, string configured)
    {
        const string shaPrefix = "{SHA}";
        var expected = configured.StartsWith(shaPrefix, StringComparison.Ordinal)
            ? configured[shaPrefix.Length..]
            : configured;
        var actual = configured.StartsWith(shaPrefix, StringComparison.Ordinal)
            ? Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(supplied)))
            : supplied;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(actual), Encoding.UTF8.GetBytes(expected));
    }
}
