using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl.Transport;

/// <summary>
/// One HTTP/1.1 connection to the daemon (unix socket or TCP), blocking, kept open between calls
/// and opened again when the server closed it. Enough of HTTP for XML-RPC POSTs (a
/// <c>Content-Length</c> or chunked answer) and for the endless chunked <c>/logtail</c> streams.
/// </summary>
internal sealed class HttpConnection(ServerUrl url, string? authorization) : IDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private IConnectionSocket? _socket;
    private int _start;
    private int _end;

    /// <summary>POSTs <paramref name="body"/> and returns the 200 answer's body; any other status is a <see cref="ProtocolError"/>.</summary>
    public byte[] Post(string path, byte[] body)
    {
        var reused = _socket is not null;
        try
        {
            return PostOnce(path, body);
        }
        catch (SocketFailure) when (reused)
        {
            // The server may close a kept-alive connection between two calls: one new connection, as http.client would.
            Close();
            return PostOnce(path, body);
        }
        catch (EndOfStreamException) when (reused)
        {
            Close();
            return PostOnce(path, body);
        }
    }

    /// <summary>
    /// GETs <paramref name="path"/> and hands each piece of the body to <paramref name="onData"/> as it
    /// arrives, until the server ends it. Returns the status (the body is read only on 200).
    /// </summary>
    public int Stream(string path, Action<ReadOnlySpan<byte>> onData)
    {
        Open();
        var request = new StringBuilder();
        request.Append(CultureInfo.InvariantCulture, $"GET {path} HTTP/1.1\r\nHost: {(url.SocketPath is not null ? "" : url.HostHeader)}\r\nAccept: */*\r\nUser-Agent: supervisorctl\r\n");
        AppendAuthorization(request);
        request.Append("\r\n");
        Send(Encoding.ASCII.GetBytes(request.ToString()));
        var (status, _, length, chunked, _) = ReadHead();
        if (status != 200)
        {
            Close();
            return status;
        }

        ReadBody(length, chunked, onData);
        Close();
        return status;
    }

    /// <summary>Ends a stream being read on another thread (Ctrl-C): its read returns at once.</summary>
    public void Abort()
    {
        _socket?.Shutdown();
    }

    public void Dispose() => Close();

    private byte[] PostOnce(string path, byte[] body)
    {
        Open();
        var head = new StringBuilder(256);
        head.Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: {url.HostHeader}\r\nUser-Agent: supervisorctl\r\nContent-Type: text/xml\r\nAccept: text/xml\r\n");
        AppendAuthorization(head);
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var request = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(request, 0);
        body.CopyTo(request, headBytes.Length);
        Send(request);

        var (status, reason, length, chunked, keepAlive) = ReadHead();
        if (status != 200)
        {
            Close();
            throw new ProtocolError(status, reason);
        }

        byte[] answer;
        if (length >= 0 && !chunked)
        {
            // The usual answer says its length: read it into its own array, with no copy to grow.
            answer = new byte[length];
            var filled = 0;
            Copy(length, span =>
            {
                span.CopyTo(answer.AsSpan(filled));
                filled += span.Length;
            });
        }
        else
        {
            using var stream = new MemoryStream(4096);
            ReadBody(length, chunked, span => stream.Write(span));
            answer = stream.ToArray();
        }

        if (!keepAlive)
        {
            Close();
        }

        return answer;
    }

    private void AppendAuthorization(StringBuilder head)
    {
        if (authorization is not null)
        {
            head.Append("Authorization: Basic ").Append(authorization).Append("\r\n");
        }
    }

    private void Open()
    {
        if (_socket is not null)
        {
            return;
        }

        _start = _end = 0;
        if (url.SocketPath is { } path)
        {
            _socket = UnixSocket.Connect(path);
            return;
        }

        if (url.Port is < 0 or > 65535)
        {
            throw new PythonException("http.client.InvalidURL", "nonnumeric port");
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(url.Host, out var literal) ? [literal] : Dns.GetHostAddresses(url.Host);
        }
        catch (SocketException e)
        {
            throw SocketFailure.From(e, null);
        }

        SocketFailure? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(new IPEndPoint(address, url.Port));
                _socket = new TcpSocket(socket);
                return;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = SocketFailure.From(e, null);
            }
        }

        throw last ?? SocketFailure.FromErrno(-2);
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private void Send(byte[] bytes)
    {
        try
        {
            _socket!.Send(bytes);
        }
        catch (SocketFailure)
        {
            Close();
            throw;
        }
    }

    private (int Status, string Reason, int Length, bool Chunked, bool KeepAlive) ReadHead()
    {
        var statusLine = ReadLine();
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var status))
        {
            Close();
            throw new PythonException("http.client.BadStatusLine", statusLine);
        }

        var keepAlive = parts[0] != "HTTP/1.0";
        var length = -1;
        var chunked = false;
        while (ReadLine() is { Length: > 0 } header)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = header[..colon].Trim();
            var value = header[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive = !value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
        }

        return (status, parts.Length > 2 ? parts[2] : "", length, chunked, keepAlive && (length >= 0 || chunked));
    }

    private void ReadBody(int length, bool chunked, Action<ReadOnlySpan<byte>> onData)
    {
        if (chunked)
        {
            while (true)
            {
                var sizeLine = ReadLine();
                var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
                var size = int.Parse(semicolon < 0 ? sizeLine.Trim() : sizeLine[..semicolon].Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while (ReadLine().Length > 0)
                    {
                        // Trailers: none expected.
                    }

                    return;
                }

                Copy(size, onData);
                ReadLine();
            }
        }

        if (length >= 0)
        {
            Copy(length, onData);
            return;
        }

        // Neither: the body ends when the server closes the connection.
        while (Fill(throwAtEnd: false))
        {
            onData(_buffer.AsSpan(_start, _end - _start));
            _start = _end;
        }
    }

    private void Copy(int count, Action<ReadOnlySpan<byte>> onData)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                Fill(throwAtEnd: true);
            }

            var take = Math.Min(count, _end - _start);
            onData(_buffer.AsSpan(_start, take));
            _start += take;
            count -= take;
        }
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                line.Append(Encoding.Latin1.GetString(_buffer, _start, newline - _start));
                _start = newline + 1;
                return line.ToString().TrimEnd('\r');
            }

            line.Append(Encoding.Latin1.GetString(_buffer, _start, _end - _start));
            _start = _end;
            Fill(throwAtEnd: true);
        }
    }

    /// <summary>Reads more bytes into the (emptied) buffer; false at the end of the stream unless <paramref name="throwAtEnd"/>.</summary>
    private bool Fill(bool throwAtEnd)
    {
        _start = _end = 0;
        int read;
        try
        {
            read = _socket!.Receive(_buffer);
        }
        catch (SocketFailure)
        {
            Close();
            throw;
        }

        if (read == 0)
        {
            Close();
            return throwAtEnd ? throw new EndOfStreamException() : false;
        }

        _end = read;
        return true;
    }
}
