using Microsoft.Win32.SafeHandles;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Http;

/// <summary>
/// <c>tail -f</c> of one file, as the reference's <c>tail_f_producer</c>: starts <c>head</c> bytes before
/// the end, then hands out what is appended. A file that shrank yields <see cref="TruncatedNotice"/> and is
/// then read again from its start; when the path names another file (rotation, or a log cleared by
/// removal), that file is opened and read from its start.
/// </summary>
internal sealed class FileFollower : IDisposable
{
    public static readonly byte[] TruncatedNotice = "==> File truncated <==\n"u8.ToArray();

    private const int MaxChunk = 1 << 20;

    private readonly string _path;
    private SafeFileHandle _handle;
    private FileIdentity? _id;
    private long _sent;

    private FileFollower(string path, SafeFileHandle handle)
    {
        _path = path;
        _handle = handle;
        _id = FileIdentity.Of(handle);
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
        if (_id is null || FileIdentity.Of(_path) is not { } current || current == _id)
        {
            return;
        }

        try
        {
            var handle = OpenHandle(_path);
            _handle.Dispose();
            _handle = handle;
            _id = FileIdentity.Of(handle);
            _sent = 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Replaced again, or unreadable: keep following the old file and retry next time.
        }
    }
}
