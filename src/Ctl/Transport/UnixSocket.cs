using System.Runtime.InteropServices;
using System.Text;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl.Transport;

/// <summary>
/// A connected <c>AF_UNIX</c> stream socket made with libc's own calls. <see cref="System.Net.Sockets.Socket"/>
/// starts its epoll thread the first time any socket is made, which a client that makes one blocking
/// connection has no use for; and errno comes back as it is, as Python's socket module reports it.
/// </summary>
internal sealed partial class UnixSocket : IConnectionSocket
{
    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int MsgNosignal = 0x4000;
    private const int ShutRdwr = 2;
    private const int Eintr = 4;

    /// <summary><c>struct sockaddr_un</c>: the family and 108 bytes of path.</summary>
    private const int SunPathLength = 108;

    private int _fd;

    private UnixSocket(int fd)
    {
        _fd = fd;
    }

    /// <summary>Connects to <paramref name="path"/>; a failure is the <see cref="SocketFailure"/> Python would raise.</summary>
    public static UnixSocket Connect(string path)
    {
        var pathBytes = Encoding.UTF8.GetBytes(path);
        if (pathBytes.Length > SunPathLength)
        {
            throw new PythonException("OSError", "AF_UNIX path too long");
        }

        var fd = Socket(AfUnix, SockStream | SockCloexec, 0);
        if (fd < 0)
        {
            throw SocketFailure.FromErrno(Marshal.GetLastPInvokeError());
        }

        Span<byte> address = stackalloc byte[2 + SunPathLength];
        address.Clear();
        BitConverter.TryWriteBytes(address, (ushort)AfUnix);
        pathBytes.CopyTo(address[2..]);
        var length = 2 + Math.Min(pathBytes.Length + 1, SunPathLength);
        while (ConnectTo(fd, address, length) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr)
            {
                _ = CloseFd(fd);
                throw SocketFailure.FromErrno(errno);
            }
        }

        return new UnixSocket(fd);
    }

    public void Send(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = SendTo(_fd, bytes, (nuint)bytes.Length, MsgNosignal);
            if (sent < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Eintr)
                {
                    continue;
                }

                throw SocketFailure.FromErrno(errno);
            }

            bytes = bytes[(int)sent..];
        }
    }

    public int Receive(Span<byte> buffer)
    {
        while (true)
        {
            var read = ReceiveFrom(_fd, buffer, (nuint)buffer.Length, 0);
            if (read >= 0)
            {
                return (int)read;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr)
            {
                throw SocketFailure.FromErrno(errno);
            }
        }
    }

    public void Shutdown()
    {
        if (_fd >= 0)
        {
            _ = ShutdownFd(_fd, ShutRdwr);
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = CloseFd(_fd);
            _fd = -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int ConnectTo(int fd, ReadOnlySpan<byte> address, int length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint SendTo(int fd, ReadOnlySpan<byte> bytes, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint ReceiveFrom(int fd, Span<byte> buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    private static partial int ShutdownFd(int fd, int how);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseFd(int fd);
}
