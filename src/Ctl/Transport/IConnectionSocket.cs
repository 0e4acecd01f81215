using System.Net.Sockets;

namespace Supervisor.Ctl.Transport;

/// <summary>A connected stream socket as <see cref="HttpConnection"/> uses it; failures are <see cref="SocketFailure"/>s.</summary>
internal interface IConnectionSocket : IDisposable
{
    void Send(ReadOnlySpan<byte> bytes);

    /// <summary>Some bytes into <paramref name="buffer"/>; 0 at the end of the stream.</summary>
    int Receive(Span<byte> buffer);

    /// <summary>Ends both directions, so a read blocked on another thread returns.</summary>
    void Shutdown();
}

/// <summary>A TCP connection (<c>http://</c> server URLs), on the framework's socket.</summary>
internal sealed class TcpSocket(Socket socket) : IConnectionSocket
{
    public void Send(ReadOnlySpan<byte> bytes)
    {
        try
        {
            socket.Send(bytes);
        }
        catch (SocketException e)
        {
            throw SocketFailure.From(e, null);
        }
    }

    public int Receive(Span<byte> buffer)
    {
        try
        {
            return socket.Receive(buffer);
        }
        catch (SocketException e)
        {
            throw SocketFailure.From(e, null);
        }
    }

    public void Shutdown()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public void Dispose() => socket.Dispose();
}
