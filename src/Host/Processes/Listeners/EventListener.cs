using System.Text;
using System.Text.Unicode;
using Supervisor.Abstractions;
using Supervisor.Host.Processes.Output;

namespace Supervisor.Host.Processes.Listeners;

/// <summary>
/// The listener side of one event listener process: reads what it writes on stdout and keeps its
/// <see cref="ListenerState"/>, the reference's <c>PEventListenerDispatcher</c>
/// (<c>supervisor/dispatchers.py</c>). <c>READY\n</c> makes it READY; the pool sends one event and makes it
/// BUSY; <c>RESULT n\n</c> plus n bytes of body ends the event (the pool judges the body) and makes it
/// ACKNOWLEDGED again. Anything else puts it in UNKNOWN, where it stays until it is restarted. Loop thread
/// only.
/// </summary>
internal sealed class EventListener(string name, EventListenerPool pool, IMainLog log)
{
    private const int ResultPrefixLength = 7; // "RESULT ", not checked, as in the reference
    private static ReadOnlySpan<byte> ReadyToken => "READY\n"u8;

    private byte[] _buffer = new byte[64];
    private int _length;
    private byte[]? _result;
    private int _resultFilled;
    private object _spawn = new();

    public string Name { get; } = name;

    public EventListenerPool Pool { get; } = pool;

    /// <summary>Null until the process is first spawned.</summary>
    public ListenerState? State { get; private set; }

    /// <summary>The event sent and not yet answered (BUSY), if any.</summary>
    public PoolEntry? Current { get; private set; }

    /// <summary>
    /// A new child: ACKNOWLEDGED, nothing pending. Returns a token for <see cref="Feed"/>, so output
    /// drained from an earlier child is ignored.
    /// </summary>
    public object Spawned()
    {
        State = ListenerState.Acknowledged;
        Current = null;
        _length = 0;
        _result = null;
        _spawn = new object();
        return _spawn;
    }

    /// <summary>The pool wrote <paramref name="entry"/> to the listener's stdin.</summary>
    public void Sent(PoolEntry entry)
    {
        State = ListenerState.Busy;
        Current = entry;
    }

    /// <summary>The child is gone: an event it was processing goes back to the head of its pool.</summary>
    public void Finished()
    {
        if (Current is { } entry)
        {
            Current = null;
            Pool.Rebuffer(entry);
        }
    }

    /// <summary>Bytes the child wrote on stdout.</summary>
    public void Feed(object spawn, ReadOnlySpan<byte> data)
    {
        if (!ReferenceEquals(spawn, _spawn) || data.IsEmpty)
        {
            return;
        }

        if (_length + data.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + data.Length));
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
        Process();
    }

    private void Process()
    {
        while (_length > 0)
        {
            switch (State)
            {
                case ListenerState.Acknowledged:
                    if (_length < ReadyToken.Length)
                    {
                        return; // not enough to decide
                    }

                    if (_buffer.AsSpan(0, _length).StartsWith(ReadyToken))
                    {
                        ChangeState(ListenerState.Ready);
                        Consume(ReadyToken.Length);
                    }
                    else
                    {
                        ChangeState(ListenerState.Unknown);
                        _length = 0;
                    }

                    Current = null;
                    break;

                case ListenerState.Busy:
                    if (!ProcessResult())
                    {
                        return;
                    }

                    break;

                default:
                    // READY: the listener spoke out of turn, which the reference punishes at once.
                    // UNKNOWN (and a child never spawned): nothing it says matters any more.
                    if (State == ListenerState.Ready)
                    {
                        ChangeState(ListenerState.Unknown);
                        Current = null;
                    }

                    _length = 0;
                    return;
            }
        }
    }

    /// <summary>One step of the BUSY state; false when more bytes are needed.</summary>
    private bool ProcessResult()
    {
        if (_result is null)
        {
            var newline = _buffer.AsSpan(0, _length).IndexOf((byte)'\n');
            if (newline < 0)
            {
                return false; // no full result line yet
            }

            var line = _buffer.AsSpan(0, newline).ToArray();
            Consume(newline + 1);
            var lengthText = line.Length > ResultPrefixLength ? line.AsSpan(ResultPrefixLength) : [];
            if (!TryParsePythonInt(lengthText, out var resultLength))
            {
                var shown = Utf8.IsValid(line) ? Encoding.UTF8.GetString(line) : "Undecodable: " + OutputText.BytesRepr(line);
                log.Warn($"{Name}: bad result line: '{shown}'");
                ChangeState(ListenerState.Unknown);
                _length = 0;
                Finished();
                return false;
            }

            _result = new byte[resultLength];
            _resultFilled = 0;
        }

        var take = Math.Min(_result.Length - _resultFilled, _length);
        _buffer.AsSpan(0, take).CopyTo(_result.AsSpan(_resultFilled));
        _resultFilled += take;
        Consume(take);
        if (_resultFilled < _result.Length)
        {
            return false;
        }

        var body = _result;
        _result = null;
        HandleResult(body);
        return true;
    }

    /// <summary>The pool's result handler: Supervisor's default accepts exactly <c>OK</c> and rejects anything else.</summary>
    private void HandleResult(byte[] body)
    {
        var entry = Current;
        Current = null;
        if (body.AsSpan().SequenceEqual("OK"u8))
        {
            if (log.IsEnabled(MainLogLevel.Debug))
            {
                log.Debug($"{Name}: event was processed");
            }

            ChangeState(ListenerState.Acknowledged);
            return;
        }

        log.Warn($"{Name}: event was rejected");
        ChangeState(ListenerState.Acknowledged);
        if (entry is not null)
        {
            Pool.Rebuffer(entry);
        }
    }

    private void ChangeState(ListenerState newState)
    {
        // Two state changes per event: the text is only built when someone reads it.
        if (log.IsEnabled(MainLogLevel.Debug))
        {
            log.Debug($"{Name}: {StateName(State)} -> {StateName(newState)}");
        }

        State = newState;
        if (newState == ListenerState.Unknown)
        {
            log.Warn($"{Name}: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol");
        }
    }

    private static string StateName(ListenerState? state) => state switch
    {
        ListenerState.Ready => "READY",
        ListenerState.Busy => "BUSY",
        ListenerState.Acknowledged => "ACKNOWLEDGED",
        ListenerState.Unknown => "UNKNOWN",
        _ => "None",
    };

    private void Consume(int count)
    {
        _buffer.AsSpan(count, _length - count).CopyTo(_buffer);
        _length -= count;
    }

    /// <summary>
    /// Python's <c>int(bytes)</c> as the reference applies it to the result length: surrounding
    /// whitespace, a sign, digits with single underscores between them. A negative length is refused
    /// here (the reference would loop on it).
    /// </summary>
    internal static bool TryParsePythonInt(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        text = text.Trim(" \t\n\r\v\f"u8);
        var negative = false;
        if (!text.IsEmpty && (text[0] == (byte)'+' || text[0] == (byte)'-'))
        {
            negative = text[0] == (byte)'-';
            text = text[1..];
        }

        if (text.IsEmpty || !char.IsAsciiDigit((char)text[0]) || !char.IsAsciiDigit((char)text[^1]))
        {
            return false;
        }

        long result = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == (byte)'_')
            {
                if (text[i - 1] == (byte)'_')
                {
                    return false;
                }

                continue;
            }

            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            result = (result * 10) + (c - '0');
            if (result > int.MaxValue)
            {
                return false;
            }
        }

        if (negative && result != 0)
        {
            return false;
        }

        value = (int)result;
        return true;
    }
}
