using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Supervisor.Host.Http;

/// <summary>
/// <c>tail -f</c> of one file, as the reference's <c>tail_f_producer</c>: starts <c>head</c> bytes before
/// the end, then hands out what is appended. A file that shrank yields <see cref="TruncatedNotice"/> and is
/// then read again from its start; when the path names another file (rotation, or a log cleared by
/// removal), that file is opened and read from its start.
/// </summary>
internal sealed partial class FileFollower : IDisposable
{
    public static readonly byte[] TruncatedNotice = "==> File truncated <==\n"u8.ToArray();

    private const int MaxChunk = 1 << 20;

    private readonly string _path;
    private SafeFileHandle _handle;
    private FileId? _id;
    private long _sent;

    private FileFollower(string path, SafeFileHandle handle)
    {
        _path = path;
        _handle = handle;
        _id = FileId.Of(handle);
    }

    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">Same.</exception>
    public static FileFollower Open(string path, long head)
    {
        var follower = new FileFollower(path, OpenHandle(path));
        var size = RandomAccess.GetLength(follower._handle);
        follower._sent = size >= head ? size - head : 0;
        return follower;
    }

    /// <summary>The next bytes to send: new data, the truncation notice, or nothing (empty) for now.</summary>
    public ReadOnlyMemory<byte> More()
    {
        Follow();
        long size;
        try
        {
            size = RandomAccess.GetLength(_handle);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (size < _sent)
        {
            _sent = 0;
            return TruncatedNotice;
        }

        var count = (int)Math.Min(size - _sent, MaxChunk);
        if (count == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var buffer = new byte[count];
        var read = RandomAccess.Read(_handle, buffer, _sent);
        _sent += read;
        return buffer.AsMemory(0, read);
    }

    public void Dispose() => _handle.Dispose();

    private static SafeFileHandle OpenHandle(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>Reopens when the path now names a different file; a path that vanished keeps the old file.</summary>
    private void Follow()
    {
        if (_id is null || FileId.Of(_path) is not { } current || current == _id)
        {
            return;
        }

        try
        {
            var handle = OpenHandle(_path);
            _handle.Dispose();
            _handle = handle;
            _id = FileId.Of(handle);
            _sent = 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Replaced again, or unreadable: keep following the old file and retry next time.
        }
    }

    /// <summary>A file's device and inode number, read with stat(2)/fstat(2); null where they cannot be read.</summary>
    private readonly partial record struct FileId(ulong Device, ulong Inode)
    {
        // struct stat starts with st_dev and st_ino (8 bytes each) on both 64-bit Linux ABIs we run on
        // (x86-64 and the generic one of arm64); the buffer is larger than either whole struct.
        private const int StatBufferSize = 256;

        public static unsafe FileId? Of(string path)
        {
            var buffer = stackalloc byte[StatBufferSize];
            return Call(() => Stat(path, buffer), buffer);
        }

        public static unsafe FileId? Of(SafeFileHandle handle)
        {
            var buffer = stackalloc byte[StatBufferSize];
            var fd = (int)handle.DangerousGetHandle();
            return Call(() => FStat(fd, buffer), buffer);
        }

        private static unsafe FileId? Call(Func<int> call, byte* buffer)
        {
            if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
            {
                return null;
            }

            try
            {
                return call() == 0 ? new FileId(*(ulong*)buffer, *(ulong*)(buffer + 8)) : null;
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
}
