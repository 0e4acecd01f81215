using System.Runtime.InteropServices;

namespace Supervisor.Host.Platform;

/// <summary>
/// The libc calls behind child output capture and stdin: epoll, eventfd, raw read/write on pipes and
/// log files. Kept apart from <see cref="Native"/> because they are hot-path calls with pointer
/// arguments (no marshalling, no allocation per call).
/// </summary>
internal static unsafe partial class NativeIo
{
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EPIPE = 32;
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int EINVAL = 22;

    public const int ORdOnly = 0x0;
    public const int OWrOnly = 0x1;
    public const int ORdWr = 0x2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int OTrunc = 0x200;
    public const int OAppend = 0x400;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;

    public const int FGetFl = 3;
    public const int FSetFl = 4;
    public const int FSetPipeSz = 1031;
    public const ulong FionRead = 0x541B;

    public const int EpollCloExec = OCloExec;
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCtlMod = 3;
    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;

    public const int EfdCloExec = OCloExec;
    public const int EfdNonBlock = ONonBlock;

    public const int SeekEnd = 2;

    public const uint SpliceFMove = 1;
    public const uint SpliceFNonBlock = 2;

    /// <summary>O_NOFOLLOW differs between architectures (x86-64 0400000, arm64 0100000).</summary>
    public static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    /// <summary>
    /// <c>struct epoll_event</c> is packed on x86-64 (12 bytes: events at 0, data at 4) and naturally
    /// aligned elsewhere (16 bytes: data at 8); events are read from a raw buffer with these offsets.
    /// </summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initval, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    public static partial nint Splice(int fdIn, long* offIn, int fdOut, long* offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Rename(string from, string to);

    [LibraryImport("libc", EntryPoint = "unlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Unlink(string path);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(int fd, long offset, int whence);

    public const int PosixFadvDontNeed = 4;

    /// <summary>posix_fadvise(2): returns 0 or the error number itself (errno is not set).</summary>
    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    public static partial int PosixFadvise(int fd, long offset, long length, int advice);

    /// <summary>sync_file_range(2)'s flag that starts writeback of a range's dirty pages and returns at once.</summary>
    public const uint SyncFileRangeWrite = 2;

    /// <summary>sync_file_range(2): 0, or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    public static partial int SyncFileRange(int fd, long offset, long length, uint flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, int* arg);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "openlog")]
    public static partial void OpenLog(IntPtr ident, int option, int facility);

    [LibraryImport("libc", EntryPoint = "syslog", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void Syslog(int priority, string format, string message);

    /// <summary>Adds O_NONBLOCK to an fd's file status flags (the child's end of the pipe is a separate description and stays blocking).</summary>
    public static void SetNonBlocking(int fd)
    {
        var flags = Fcntl(fd, FGetFl, 0);
        if (flags < 0 || Fcntl(fd, FSetFl, flags | ONonBlock) < 0)
        {
            throw new IOException($"fcntl(O_NONBLOCK) on fd {fd} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Clears O_NONBLOCK (for a pipe read with ordinary blocking reads).</summary>
    public static void SetBlocking(int fd)
    {
        var flags = Fcntl(fd, FGetFl, 0);
        if (flags < 0 || Fcntl(fd, FSetFl, flags & ~ONonBlock) < 0)
        {
            throw new IOException($"fcntl(~O_NONBLOCK) on fd {fd} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Bytes waiting in a pipe (FIONREAD), or 0 when unknown.</summary>
    public static int Available(int fd)
    {
        int count = 0;
        return Ioctl(fd, FionRead, &count) == 0 ? count : 0;
    }
}
