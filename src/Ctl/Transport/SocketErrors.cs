using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl.Transport;

/// <summary>
/// A failed connect, read or write, worded as Python's <c>OSError</c> subclasses word it
/// (<c>[Errno 111] Connection refused</c>, class <c>ConnectionRefusedError</c>): the reference
/// decides on <see cref="Errno"/> (ECONNREFUSED and ENOENT get their own messages) and prints the rest.
/// </summary>
internal sealed class SocketFailure(int errno, string pythonClass, string message) : PythonException(pythonClass, message)
{
    public const int Enoent = 2;
    public const int Econnrefused = 111;

    public int Errno { get; } = errno;

    public static SocketFailure From(SocketException exception, string? unixPath)
    {
        var errno = exception.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => Econnrefused,
            // .NET reports a unix socket path that does not exist as EADDRNOTAVAIL.
            SocketError.AddressNotAvailable when unixPath is not null && !Path.Exists(unixPath) => Enoent,
            SocketError.AccessDenied => 13,
            SocketError.ConnectionReset => 104,
            SocketError.ConnectionAborted => 103,
            SocketError.Shutdown => 32,
            SocketError.TimedOut => 110,
            SocketError.HostUnreachable => 113,
            SocketError.NetworkUnreachable => 101,
            SocketError.HostNotFound or SocketError.NoData => -2,
            _ => exception.NativeErrorCode,
        };
        return FromErrno(errno);
    }

    public static SocketFailure FromErrno(int errno)
    {
        if (errno == -2)
        {
            return new SocketFailure(errno, "socket.gaierror", "[Errno -2] Name or service not known");
        }

        var pythonClass = errno switch
        {
            Econnrefused => "ConnectionRefusedError",
            Enoent => "FileNotFoundError",
            1 or 13 => "PermissionError",
            104 => "ConnectionResetError",
            103 => "ConnectionAbortedError",
            32 => "BrokenPipeError",
            110 => "TimeoutError",
            _ => "OSError",
        };
        return new SocketFailure(errno, pythonClass, string.Create(CultureInfo.InvariantCulture, $"[Errno {errno}] {Marshal.GetPInvokeErrorMessage(errno)}"));
    }
}

/// <summary>A non-200 answer to an XML-RPC POST: Python's <c>xmlrpc.client.ProtocolError</c>, as its <c>str()</c> prints.</summary>
internal sealed class ProtocolError(int status, string reason)
    : PythonException("xmlrpc.client.ProtocolError", string.Create(CultureInfo.InvariantCulture, $"<ProtocolError for 127.0.0.1/RPC2: {status} {reason}>"))
{
    public int Status { get; } = status;
}
