using System.Runtime.InteropServices;

namespace Supervisor.Host.Tests.Support;

/// <summary>How much of a file's range sits in the page cache: mmap(2) without touching it, then mincore(2).</summary>
internal static unsafe partial class PageCache
{
    private const int ProtRead = 1;
    private const int MapShared = 1;

    /// <summary>Resident pages of <c>[offset, offset + length)</c> of <paramref name="path"/> (offset page-aligned).</summary>
    public static int ResidentPages(string path, long offset, long length)
    {
        using var file = File.OpenHandle(path);
        var fd = (int)file.DangerousGetHandle();
        var map = Mmap(0, (nuint)length, ProtRead, MapShared, fd, offset);
        if (map == -1)
        {
            throw new IOException($"mmap failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            var pages = (int)((length + Environment.SystemPageSize - 1) / Environment.SystemPageSize);
            var vector = new byte[pages];
            fixed (byte* v = vector)
            {
                if (Mincore(map, (nuint)length, v) != 0)
                {
                    throw new IOException($"mincore failed: errno {Marshal.GetLastPInvokeError()}");
                }
            }

            return vector.Count(b => (b & 1) != 0);
        }
        finally
        {
            Munmap(map, (nuint)length);
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static partial int Mincore(nint address, nuint length, byte* vector);
}
