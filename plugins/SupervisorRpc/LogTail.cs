using System.Text;

namespace Supervisor;

/// <summary>The reference's <c>tailFile</c> (xmlrpc-api.md §5.2), decoded with replacement characters.</summary>
internal static class LogTail
{
    /// <summary>
    /// <c>[data, size, overflow]</c>: the returned offset is always the file size; data is the last
    /// <c>min(length, size)</c> bytes when <paramref name="offset"/> is before the end, else empty; overflow
    /// says the file is longer than <c>offset + length</c>. A missing file is <c>["", 0, false]</c>, an I/O
    /// error <c>["", offset, false]</c>.
    /// </summary>
    public static object[] Tail(string path, long offset, long length)
    {
        if (path.Length == 0 || !Path.Exists(path))
        {
            return ["", 0L, false];
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var (start, count, size, overflow) = Window(file.Length, offset, length);
            var data = "";
            if (count > 0)
            {
                var buffer = new byte[count];
                file.Position = start;
                file.ReadExactly(buffer);
                data = Encoding.UTF8.GetString(buffer);
            }

            return [data, size, overflow];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ["", offset, false];
        }
    }

    /// <summary>The bytes to read (start, count) for a file of <paramref name="size"/> bytes, and the overflow flag.</summary>
    public static (long Start, long Count, long Size, bool Overflow) Window(long size, long offset, long length)
    {
        var overflow = false;
        if (size > offset + length)
        {
            overflow = true;
            offset = size - 1;
        }

        if (offset + length > size)
        {
            if (offset > size - 1)
            {
                length = 0;
            }

            offset = size - length;
        }

        offset = Math.Max(0, offset);
        length = Math.Max(0, length);
        return (offset, Math.Min(length, size - offset), size, overflow);
    }
}
