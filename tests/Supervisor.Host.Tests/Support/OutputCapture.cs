using System.Text;

namespace Supervisor.Host.Tests.Support;

/// <summary>
/// Reads a child's output as it comes, so a test can look at what has been printed so far (a following
/// <c>tail -f</c>, a banner) while the child still runs. The client's tests compile this file in.
/// </summary>
internal sealed class OutputCapture
{
    private readonly StringBuilder _text = new();

    public OutputCapture(StreamReader reader) => Completion = Task.Run(() => PumpAsync(reader));

    /// <summary>Completes when the child has closed the stream.</summary>
    public Task Completion { get; }

    /// <summary>Everything read so far.</summary>
    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (_text)
            {
                _text.Append(buffer, 0, read);
            }
        }
    }
}
