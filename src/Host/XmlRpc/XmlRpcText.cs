using System.Buffers;
using System.Text;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Text rules shared by the writers and by the log-reading methods.
/// </summary>
/// <remarks>
/// Every document we write is well-formed XML 1.0 whatever the strings hold (README, "Differences from Supervisor"):
/// characters XML 1.0 forbids (C0 controls other than tab, LF and CR; U+FFFE; U+FFFF; surrogates
/// that are not part of a pair) are written as U+FFFD REPLACEMENT CHARACTER. The reference writes
/// them raw, which Python's client then rejects. Only <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>
/// are escaped; everything else, non-ASCII included, is written as raw UTF-8.
/// </remarks>
internal static class XmlRpcText
{
    /// <summary>UTF-8 of U+FFFD.</summary>
    public static ReadOnlySpan<byte> ReplacementUtf8 => "\uFFFD"u8;

    /// <summary>
    /// The characters a string writer must stop at: the three it escapes and the ones XML 1.0
    /// forbids (surrogates aside: the UTF-8 transcoder replaces unpaired ones).
    /// </summary>
    internal static readonly SearchValues<char> Special = SearchValues.Create(
        "&<>\uFFFE\uFFFF\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    /// <summary>
    /// Decodes bytes that should be UTF-8 but may not be (log files: a child can write anything,
    /// and a read window can cut a multi-byte character at either end). Each invalid or cut
    /// sequence becomes U+FFFD; nothing throws. The writers then make the result XML-safe.
    /// </summary>
    public static string DecodeLenient(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>True when <paramref name="text"/> can be written as is: no character needs replacing.</summary>
    public static bool IsXmlSafe(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\uFFFE' or '\uFFFF' || (c < ' ' && c is not ('\t' or '\n' or '\r')))
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
