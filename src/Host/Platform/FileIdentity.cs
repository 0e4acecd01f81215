using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Supervisor.Host.Platform;

/// <summary>A file's device and inode number, read with stat(2)/fstat(2); null where they cannot be read.</summary>
internal readonly partial record struct FileIdentity(ulong Device, ulong Inode)
{
    // struct stat starts with st_dev and st_ino (8 bytes each) on both 64-bit Linux ABIs we run on
    // (x86-64 and the generic one of arm64); the buffer is larger than either whole struct.
    private const int StatBufferSize = 256;

    public static unsafe FileIdentity? Of(string path)
    {
        var buffer = stackalloc byte[StatBufferSize];
        return Call(() => Stat(path, buffer), buffer);
    }

    public static unsafe FileIdentity? Of(SafeFileHandle handle)
    {
        var buffer = stackalloc byte[StatBufferSize];
        var fd = (int)handle.DangerousGetHandle();
        return Call(() => FStat(fd, buffer), buffer);
    }

    private static unsafe FileIdentity? Call(Func<int> call, byte* buffer)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return null;
        }

        try
        {
            return call() == 0 ? new FileIdentity(*(ulong*)buffer, *(ulong*)(buffer + 8)) : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Stat(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static unsafe partial int FStat(int fd, byte* buffer);
}
