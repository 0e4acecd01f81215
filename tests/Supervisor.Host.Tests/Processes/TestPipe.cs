using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Tests.Processes;

/// <summary>A real pipe (pipe2, O_CLOEXEC) for I/O loop tests; the test plays the child on one end.</summary>
internal sealed unsafe class TestPipe : IDisposable
{
    public TestPipe()
    {
        var fds = stackalloc int[2];
        if (NativeIo.Pipe2(fds, NativeIo.OCloExec) != 0)
        {
            throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        Read = new SafeFileHandle(fds[0], ownsHandle: true);
        Write = new SafeFileHandle(fds[1], ownsHandle: true);
    }

    public SafeFileHandle Read { get; }

    public SafeFileHandle Write { get; }

    /// <summary>Blocking write of everything, as a child would; returns false on EPIPE.</summary>
    public static bool WriteAll(SafeFileHandle handle, ReadOnlySpan<byte> data)
    {
        var fd = (int)handle.DangerousGetHandle();
        fixed (byte* start = data)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                var n = NativeIo.Write(fd, start + offset, data.Length - offset);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == NativeIo.EINTR)
                    {
                        continue;
                    }

                    if (errno == NativeIo.EPIPE)
                    {
                        return false;
                    }

                    throw new IOException($"write failed: errno {errno}");
                }

                offset += (int)n;
            }
        }

        return true;
    }

    /// <summary>Blocking read of up to <paramref name="buffer"/>.Length bytes; 0 at EOF.</summary>
    public static int ReadSome(SafeFileHandle handle, Span<byte> buffer)
    {
        var fd = (int)handle.DangerousGetHandle();
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var n = NativeIo.Read(fd, start, buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }

                if (Marshal.GetLastPInvokeError() != NativeIo.EINTR)
                {
                    throw new IOException("read failed");
                }
            }
        }
    }

    public void Dispose()
    {
        Read.Dispose();
        Write.Dispose();
    }
}

/// <summary>Polls a condition with a deadline instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static void True(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            Thread.Sleep(5);
        }
    }
}
