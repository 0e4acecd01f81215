using System.Globalization;

namespace Supervisor.Ctl.Transport;

/// <summary>
/// Where the daemon listens: <c>unix:///path</c> or <c>http://host[:port]</c>, as the reference's
/// <c>SupervisorTransport</c> accepts them (supervisor/xmlrpc.py). The original text is kept because
/// messages quote it (<c>unix:///tmp/s.sock refused connection</c>).
/// </summary>
internal sealed class ServerUrl
{
    private ServerUrl(string text, string? socketPath, string host, int port)
    {
        Text = text;
        SocketPath = socketPath;
        Host = host;
        Port = port;
    }

    public string Text { get; }

    /// <summary>The unix socket's path, or null for TCP.</summary>
    public string? SocketPath { get; }

    public string Host { get; }

    public int Port { get; }

    /// <summary>The value of the <c>Host</c> header: Python's http.client sends <c>localhost</c> on a unix socket.</summary>
    public string HostHeader => SocketPath is not null ? "localhost" : Port == 80 ? Host : Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses a URL; null when the scheme is neither (the caller words the error).</summary>
    public static ServerUrl? Parse(string text)
    {
        if (text.StartsWith("unix://", StringComparison.Ordinal))
        {
            return new ServerUrl(text, text[7..], "localhost", 0);
        }

        if (!text.StartsWith("http://", StringComparison.Ordinal))
        {
            return null;
        }

        // urlparse's netloc: up to the first '/', '?' or '#'; then hostname and port as http.client splits them.
        var rest = text[7..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var netloc = end < 0 ? rest : rest[..end];
        var at = netloc.LastIndexOf('@');
        if (at >= 0)
        {
            netloc = netloc[(at + 1)..];
        }

        string host;
        string? portText = null;
        if (netloc.StartsWith('['))
        {
            var close = netloc.IndexOf(']', StringComparison.Ordinal);
            host = close < 0 ? netloc[1..] : netloc[1..close];
            if (close >= 0 && close + 1 < netloc.Length && netloc[close + 1] == ':')
            {
                portText = netloc[(close + 2)..];
            }
        }
        else
        {
            var colon = netloc.LastIndexOf(':');
            host = colon < 0 ? netloc : netloc[..colon];
            portText = colon < 0 ? null : netloc[(colon + 1)..];
        }

        var port = 80;
        if (!string.IsNullOrEmpty(portText) && !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            port = -1;
        }

        return new ServerUrl(text, null, host.ToLowerInvariant(), port);
    }
}
