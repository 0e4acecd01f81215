using System.Text;
using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>Supervisor's offset/length rules for reading a log file (<c>supervisor/options.py</c>, <c>readFile</c>).</summary>
internal static class LogFileReader
{
    /// <summary>
    /// Reads a slice of <paramref name="path"/>: a negative offset with length 0 is the tail; otherwise
    /// <paramref name="length"/> bytes (0 = to the end) from <paramref name="offset"/>. Bytes that are not
    /// valid UTF-8, or a slice that cuts a character, come back with replacement characters rather than
    /// failing as the reference does.
    /// </summary>
    public static string Read(string path, long offset, long length)
    {
        if ((offset < 0 && length != 0) || length < 0)
        {
            throw new RpcFaultException(FaultCode.BadArguments);
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var size = file.Length;
            long start, count;
            if (offset < 0)
            {
                start = Math.Max(0, size + offset);
                count = size - start;
            }
            else
            {
                start = Math.Min(offset, size);
                count = length == 0 ? size - start : Math.Min(length, size - start);
            }

            if (count <= 0)
            {
                return "";
            }

            var buffer = new byte[count];
            file.Position = start;
            file.ReadExactly(buffer);
            return Encoding.UTF8.GetString(buffer);
        }
        catch (FileNotFoundException)
        {
            throw new RpcFaultException(FaultCode.NoFile, path);
        }
        catch (DirectoryNotFoundException)
        {
            throw new RpcFaultException(FaultCode.NoFile, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RpcFaultException(FaultCode.Failed, e.Message);
        }
    }
}
