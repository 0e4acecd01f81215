using System.Globalization;
using System.Text;

namespace Supervisor.Host.Events;

/// <summary>
/// What a listener reads for one event (<c>supervisor/process.py</c>,
/// <c>EventListenerPool._eventEnvelope</c>): a header line, then the payload. <c>len:</c> counts the
/// payload's characters (Unicode code points) as Supervisor does, not its bytes: <c>supervisor.childutils</c>
/// and the listeners built on it read that many characters from a text stream and would wait forever for a
/// byte count. The envelope is written UTF-8 encoded.
/// </summary>
internal static class EventEnvelope
{
    public static byte[] Encode(string server, long serial, string pool, long poolSerial, string eventName, string payload) =>
        Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"ver:3.0 server:{server} serial:{serial} pool:{pool} poolserial:{poolSerial} eventname:{eventName} len:{CodePoints(payload)}\n{payload}"));

    /// <summary>Python's <c>len(str)</c>: a surrogate pair is one character; a lone surrogate (written as U+FFFD) is one too.</summary>
    public static int CodePoints(string text)
    {
        var count = text.Length;
        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
            {
                count--;
                i++;
            }
        }

        return count;
    }
}
