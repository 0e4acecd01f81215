using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;
using Supervisor.Host.Processes.Listeners;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>
/// The listener side of the protocol (http://supervisord.org/events.html, "Event Listener States") byte by
/// byte: what a listener writes moves its state, and rejected or orphaned events go back to the head of its
/// pool. Texts checked against the reference's dispatchers.py and its main log at loglevel=debug.
/// </summary>
public sealed class ListenerProtocolTests
{
    private const string UnknownWarning =
        "l: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol";

    private readonly RecordingLog _log = new();
    private readonly EventListenerPool _pool;
    private readonly EventListener _listener;
    private object _spawn;

    public ListenerProtocolTests()
    {
        _pool = new EventListenerPool("p", new EventListenerPoolConfig(["EVENT"], 3, ProcessGroupSections.DefaultResultHandler), "supervisor", new EventTypes(), _log);
        _listener = new EventListener("l", _pool, _log);
        _spawn = _listener.Spawned();
    }

    [Fact]
    public void ReadyMayArriveInPieces()
    {
        Assert.Equal(ListenerState.Acknowledged, _listener.State);
        Feed("REA");
        Assert.Equal(ListenerState.Acknowledged, _listener.State);
        Feed("DY\n");
        Assert.Equal(ListenerState.Ready, _listener.State);
        Assert.Equal([(MainLogLevel.Debug, "l: ACKNOWLEDGED -> READY")], _log.Lines);
    }

    [Fact]
    public void AnythingButReadyWhenAcknowledgedIsAViolation()
    {
        Feed("HELLO\nREADY\n");
        Assert.Equal(ListenerState.Unknown, _listener.State);
        Assert.Equal([(MainLogLevel.Debug, "l: ACKNOWLEDGED -> UNKNOWN"), (MainLogLevel.Warn, UnknownWarning)], _log.Lines);

        // Nothing brings it back but a new child.
        Feed("READY\n");
        Assert.Equal(ListenerState.Unknown, _listener.State);
        _spawn = _listener.Spawned();
        Feed("READY\n");
        Assert.Equal(ListenerState.Ready, _listener.State);
    }

    [Fact]
    public void SpeakingWhileReadyIsAViolation()
    {
        Feed("READY\n");
        Feed("x");
        Assert.Equal(ListenerState.Unknown, _listener.State);
        Assert.Contains((MainLogLevel.Warn, UnknownWarning), _log.Lines);
    }

    [Fact]
    public void OkAcknowledgesAndTheNextReadyMayFollowInTheSameWrite()
    {
        var entry = Send();
        Feed("RESULT 2\nOKREADY\n");
        Assert.Equal(ListenerState.Ready, _listener.State);
        Assert.Null(_listener.Current);
        Assert.Equal(0, _pool.Buffered);
        Assert.Equal(
            [(MainLogLevel.Debug, "l: event was processed"), (MainLogLevel.Debug, "l: BUSY -> ACKNOWLEDGED"), (MainLogLevel.Debug, "l: ACKNOWLEDGED -> READY")],
            _log.Lines.Skip(1));
        Assert.Equal(0, entry.Serial);
    }

    [Fact]
    public void AResultMayArriveInPiecesWithItsLengthSplit()
    {
        Send();
        Feed("RESULT 1");
        Feed("0\n01234");
        Assert.Equal(ListenerState.Busy, _listener.State);
        Feed("56789");
        Assert.Equal(ListenerState.Acknowledged, _listener.State);

        // Ten bytes that are not "OK": rejected, back in the pool.
        Assert.Equal(1, _pool.Buffered);
    }

    [Fact]
    public void BytesAfterTheBodyMustBeReady()
    {
        Send();
        Feed("RESULT 2\nOKgarbage\n");
        Assert.Equal(ListenerState.Unknown, _listener.State);
        Assert.Equal(0, _pool.Buffered);
    }

    [Fact]
    public void ARejectedEventGoesBackToTheHeadOfItsPoolWithItsSerials()
    {
        _pool.Accept(new SerialEvent(new SupervisorEvent("TICK_5", "when:5"), 41));
        var entry = new PoolEntry(new SerialEvent(new SupervisorEvent("TICK_5", "when:0"), 40), 0);
        _listener.Sent(entry);
        Feed("RESULT 4\nFAIL");
        Assert.Equal(ListenerState.Acknowledged, _listener.State);
        Assert.Equal(2, _pool.Buffered);
        Assert.Contains((MainLogLevel.Warn, "l: event was rejected"), _log.Lines);
        Assert.Contains((MainLogLevel.Debug, "rebuffering event 40 for pool p (buf size=1, max=3)"), _log.Lines);
    }

    [Theory]
    [InlineData("RESULT x\n", "RESULT x")]
    [InlineData("OK\n", "OK")]
    [InlineData("RESULT -1\n", "RESULT -1")]
    public void ABadResultLineIsAViolationAndTheEventGoesBack(string written, string shown)
    {
        Send();
        Feed(written);
        Assert.Equal(ListenerState.Unknown, _listener.State);
        Assert.Equal(1, _pool.Buffered);
        Assert.Contains((MainLogLevel.Warn, $"l: bad result line: '{shown}'"), _log.Lines);
        Assert.Contains((MainLogLevel.Warn, UnknownWarning), _log.Lines);
    }

    [Fact]
    public void AnUndecodableResultLineIsShownAsBytes()
    {
        Send();
        _listener.Feed(_spawn, [0xff, (byte)'\n']);
        Assert.Contains((MainLogLevel.Warn, "l: bad result line: 'Undecodable: b'\\xff''"), _log.Lines);
    }

    [Fact]
    public void AListenerThatDiesWhileBusyGivesItsEventBack()
    {
        Send();
        _listener.Finished();
        Assert.Equal(1, _pool.Buffered);
        Assert.Null(_listener.Current);

        // Once handed back it is not handed back twice.
        _listener.Finished();
        Assert.Equal(1, _pool.Buffered);
    }

    [Fact]
    public void OutputOfAnEarlierChildIsIgnored()
    {
        var earlier = _spawn;
        _spawn = _listener.Spawned();
        _listener.Feed(earlier, "garbage"u8);
        Assert.Equal(ListenerState.Acknowledged, _listener.State);
        Feed("READY\n");
        Assert.Equal(ListenerState.Ready, _listener.State);
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData(" 12 ", 12)]
    [InlineData("+3", 3)]
    [InlineData("1_000", 1000)]
    [InlineData("-0", 0)]
    [InlineData("\t7\r", 7)]
    public void ResultLengthsParseLikePythonsInt(string text, int expected)
    {
        Assert.True(EventListener.TryParsePythonInt(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("1__0")]
    [InlineData("_1")]
    [InlineData("1_")]
    [InlineData("-5")]
    [InlineData("1 2")]
    [InlineData("99999999999")]
    public void ResultLengthsThatAreNotNonNegativeIntegersAreRefused(string text)
    {
        Assert.False(EventListener.TryParsePythonInt(Encoding.ASCII.GetBytes(text), out _));
    }

    private PoolEntry Send()
    {
        Feed("READY\n");
        var entry = new PoolEntry(new SerialEvent(new SupervisorEvent("TICK_5", "when:0"), 0), 0);
        _listener.Sent(entry);
        Assert.Equal(ListenerState.Busy, _listener.State);
        return entry;
    }

    private void Feed(string text) => _listener.Feed(_spawn, Encoding.UTF8.GetBytes(text));
}
