using System.Text;

namespace Supervisor.Ctl;

/// <summary>
/// The client's stdout: UTF-8, <c>\n</c> line ends, buffered and flushed before anything that
/// waits (a prompt, a followed log) and at exit. Every message is one <see cref="Line"/>, as the
/// reference's <c>Controller.output</c> writes <c>message + '\n'</c>. Safe to use from several threads
/// (<c>fg</c> prints a process's two streams while the line editor echoes what is typed).
/// </summary>
internal sealed class Output(Stream stream) : IDisposable
{
    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(false), 16 * 1024) { AutoFlush = false, NewLine = "\n" };
    private readonly Lock _lock = new();

    public void Line(string message)
    {
        lock (_lock)
        {
            _writer.Write(message + "\n");
        }
    }

    public void Write(string text)
    {
        lock (_lock)
        {
            _writer.Write(text);
        }
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            _writer.Flush();
            stream.Write(bytes);
            stream.Flush();
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
        }
    }
}
