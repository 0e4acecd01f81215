using System.Text;

namespace Supervisor.Ctl.LineEditing;

/// <summary>
/// The line being typed and the cursor in it, with the edits GNU readline's emacs mode binds (which is what
/// the reference client gets from Python's <c>readline</c>): move by character, word and line, delete and kill.
/// Pure text operations; <see cref="LineEditor"/> maps keys to them and draws the result.
/// </summary>
internal sealed class EditLine
{
    private readonly StringBuilder _text = new();

    public string Text => _text.ToString();

    public int Cursor { get; private set; }

    public int Length => _text.Length;

    /// <summary>Replaces the whole line (a history entry) and puts the cursor at its end.</summary>
    public void Set(string text)
    {
        _text.Clear().Append(text);
        Cursor = _text.Length;
    }

    public void Insert(string text)
    {
        _text.Insert(Cursor, text);
        Cursor += text.Length;
    }

    /// <summary>Replaces the characters from <paramref name="start"/> to the cursor (the word being completed).</summary>
    public void ReplaceBeforeCursor(int start, string text)
    {
        _text.Remove(start, Cursor - start).Insert(start, text);
        Cursor = start + text.Length;
    }

    public void Left() => Cursor = Math.Max(0, Cursor - 1);

    public void Right() => Cursor = Math.Min(_text.Length, Cursor + 1);

    public void Home() => Cursor = 0;

    public void End() => Cursor = _text.Length;

    /// <summary>Back to the start of this or the previous word (readline's <c>backward-word</c>, M-b).</summary>
    public void WordLeft() => Cursor = PreviousWordStart();

    /// <summary>Forward to the end of this or the next word (readline's <c>forward-word</c>, M-f).</summary>
    public void WordRight()
    {
        var i = Cursor;
        while (i < _text.Length && !IsWordChar(_text[i]))
        {
            i++;
        }

        while (i < _text.Length && IsWordChar(_text[i]))
        {
            i++;
        }

        Cursor = i;
    }

    /// <summary>Deletes the character before the cursor; false when there is none.</summary>
    public bool Backspace()
    {
        if (Cursor == 0)
        {
            return false;
        }

        _text.Remove(--Cursor, 1);
        return true;
    }

    /// <summary>Deletes the character under the cursor; false when the cursor is at the end.</summary>
    public bool Delete()
    {
        if (Cursor >= _text.Length)
        {
            return false;
        }

        _text.Remove(Cursor, 1);
        return true;
    }

    /// <summary>C-k: removes from the cursor to the end; returns what was removed.</summary>
    public string KillToEnd()
    {
        var killed = _text.ToString(Cursor, _text.Length - Cursor);
        _text.Length = Cursor;
        return killed;
    }

    /// <summary>C-u: removes from the start to the cursor; returns what was removed.</summary>
    public string KillToStart()
    {
        var killed = _text.ToString(0, Cursor);
        _text.Remove(0, Cursor);
        Cursor = 0;
        return killed;
    }

    /// <summary>C-w: removes the whitespace-delimited word before the cursor (readline's <c>unix-word-rubout</c>).</summary>
    public string KillWordBefore()
    {
        var start = Cursor;
        while (start > 0 && char.IsWhiteSpace(_text[start - 1]))
        {
            start--;
        }

        while (start > 0 && !char.IsWhiteSpace(_text[start - 1]))
        {
            start--;
        }

        var killed = _text.ToString(start, Cursor - start);
        _text.Remove(start, Cursor - start);
        Cursor = start;
        return killed;
    }

    private int PreviousWordStart()
    {
        var i = Cursor;
        while (i > 0 && !IsWordChar(_text[i - 1]))
        {
            i--;
        }

        while (i > 0 && IsWordChar(_text[i - 1]))
        {
            i--;
        }

        return i;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c);
}
