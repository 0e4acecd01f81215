using Supervisor.Host.Events;

namespace Supervisor.Host.Tests.Events;

/// <summary>The header a listener reads (<c>supervisor/process.py</c>, <c>EventListenerPool._eventEnvelope</c>).</summary>
public sealed class EventEnvelopeTests
{
    [Fact]
    public void TheEnvelopeCountsCharactersNotBytes()
    {
        // Checked against the reference: process "tëst" gives len:69 for a 73-byte payload (len(payload) of a str).
        var payload = "processname:tëst groupname:tëst from_state:STARTING pid:1763 ✓ 😀";
        var bytes = EventEnvelope.Encode("supervisor", 7, "all", 3, "PROCESS_STATE_RUNNING", payload);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var header = text[..text.IndexOf('\n')];
        Assert.Equal($"ver:3.0 server:supervisor serial:7 pool:all poolserial:3 eventname:PROCESS_STATE_RUNNING len:{payload.Length - 1}", header);
        Assert.Equal(payload, text[(header.Length + 1)..]);
        Assert.Equal(64, EventEnvelope.CodePoints(payload)); // Python: len(payload) == 64
        Assert.Equal(1, EventEnvelope.CodePoints("\ud800"));
    }
}
