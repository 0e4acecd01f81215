using System.Text;

namespace Supervisor;

/// <summary>The reference's <c>tailFile</c> (<c>supervisor/options.py</c>), decoded with replacement characters.</summary>
internal static class LogTail
{
    /// <summary>
    /// <c>[data, size, overflow]</c>: the returned offset is always the file size; data is the last
    /// <c>min(length, size)</c> bytes when <paramref name="offsetValue"/> is before the end, else empty; overflow
    /// says the file is longer than <c>offset + length</c>. A missing file is <c>["", 0, false]</c> whatever the
    /// numbers (the reference converts them, <see cref="PythonArguments.Int"/>, only once it has a file), an I/O
    /// error <c>["", offset, false]</c>.
    /// </summary>
    public static object[] Tail(string path, object offsetValue, object lengthValue)
    {
        if (path.Length == 0 || !Path.Exists(path))
        {
            return ["", 0L, false];
        }

        var offset = PythonArguments.Int(offsetValue, "offset");
        var length = PythonArguments.Int(lengthValue, "length");

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
    public static (long Start, long Count, long Size, bool Overflow) Window(long size, long offsetValue, long lengthValue)
    {
        // Python's integers do not overflow: offset + length near 2^63 must not wrap around.
        Int128 offset = offsetValue, length = lengthValue;
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

        offset = Int128.Max(0, offset);
        length = Int128.Max(0, length);
        return ((long)offset, (long)Int128.Min(length, size - offset), size, overflow);
    }
}
