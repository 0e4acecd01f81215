using System.Text;

namespace Supervisor.Ctl.LineEditing;

/// <summary>Ctrl-C while a line is read (Python's <c>KeyboardInterrupt</c>): at the prompt the shell ends, in <c>fg</c> the command does.</summary>
internal sealed class KeyboardInterruptException : Exception
{
}

/// <summary>
/// Reads one line from a terminal with the keys a readline user expects: arrows, Home/End and C-a/C-e, C-b/C-f,
/// M-b/M-f, Backspace/Delete, C-d, C-k, C-u, C-w, C-l, up/down and C-p/C-n through the <see cref="History"/>,
/// Tab through a <see cref="Completion"/> (twice lists the candidates, in readline's column layout). The line is
/// redrawn after each change: carriage return, prompt, text, clear to the end, cursor moved back; a line wider
/// than the terminal is not re-wrapped.
/// </summary>
internal sealed class LineEditor(Output output, History history)
{
    private readonly EditLine _line = new();

    /// <summary>The line typed (Enter), or null at end of input (C-d on an empty line).</summary>
    /// <exception cref="KeyboardInterruptException">Ctrl-C.</exception>
    public string? ReadLine(string prompt, Completion completion)
    {
        _line.Set("");
        output.Write(prompt);
        output.Flush();
        var treatControlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        try
        {
            var lastWasTab = false;
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                var isTab = key.Key == ConsoleKey.Tab || key.KeyChar == '\t';
                var result = Apply(key, prompt, completion, lastWasTab);
                lastWasTab = isTab;
                if (result is { } done)
                {
                    return done.Line;
                }
            }
        }
        finally
        {
            Console.TreatControlCAsInput = treatControlC;
        }
    }

    /// <summary>What one key does; a value when the line is finished (its <c>Line</c> null at end of input).</summary>
    private (string? Line, bool Done)? Apply(ConsoleKeyInfo key, string prompt, Completion completion, bool lastWasTab)
    {
        var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        var alt = (key.Modifiers & ConsoleModifiers.Alt) != 0;
        switch (key.KeyChar, key.Key)
        {
            case ('\r' or '\n', _) or (_, ConsoleKey.Enter):
                output.Write("\n");
                output.Flush();
                var entered = _line.Text;
                history.Add(entered);
                return (entered, true);
            case ('\x03', _):
                // Nothing is printed here: the shell prints the reference's empty line, fg its "Exiting foreground".
                throw new KeyboardInterruptException();
            case ('\x04', _):
                if (_line.Length == 0)
                {
                    // As readline: nothing printed; the shell's EOF command prints the empty line.
                    return (null, true);
                }

                _line.Delete();
                break;
            case ('\t', _) or (_, ConsoleKey.Tab):
                Complete(prompt, completion, lastWasTab);
                break;
            case ('\x7f' or '\b', _) or (_, ConsoleKey.Backspace):
                _line.Backspace();
                break;
            case (_, ConsoleKey.Delete):
                _line.Delete();
                break;
            case ('\x01', _) or (_, ConsoleKey.Home):
                _line.Home();
                break;
            case ('\x05', _) or (_, ConsoleKey.End):
                _line.End();
                break;
            case ('\x02', _) or (_, ConsoleKey.LeftArrow) when !control:
                _line.Left();
                break;
            case ('\x06', _) or (_, ConsoleKey.RightArrow) when !control:
                _line.Right();
                break;
            case (_, ConsoleKey.LeftArrow) or (_, ConsoleKey.B) when control || alt:
                _line.WordLeft();
                break;
            case (_, ConsoleKey.RightArrow) or (_, ConsoleKey.F) when control || alt:
                _line.WordRight();
                break;
            case ('\x0b', _):
                _line.KillToEnd();
                break;
            case ('\x15', _):
                _line.KillToStart();
                break;
            case ('\x17', _):
                _line.KillWordBefore();
                break;
            case ('\x0c', _):
                output.Write("\x1b[H\x1b[2J");
                break;
            case ('\x10', _) or (_, ConsoleKey.UpArrow):
                if (history.Previous(_line.Text) is { } older)
                {
                    _line.Set(older);
                }

                break;
            case ('\x0e', _) or (_, ConsoleKey.DownArrow):
                if (history.Next() is { } newer)
                {
                    _line.Set(newer);
                }

                break;
            default:
                if (!char.IsControl(key.KeyChar) && !alt)
                {
                    _line.Insert(key.KeyChar.ToString());
                }

                break;
        }

        Redraw(prompt);
        return null;
    }

    private void Complete(string prompt, Completion completion, bool secondTab)
    {
        var start = Completion.WordStart(_line.Text, _line.Cursor);
        var text = _line.Text[start.._line.Cursor];
        var candidates = completion.Candidates(_line.Text, text);
        if (candidates.Count == 1)
        {
            _line.ReplaceBeforeCursor(start, candidates[0]);
            return;
        }

        var common = CommonPrefix(candidates);
        if (common.Length > text.Length)
        {
            _line.ReplaceBeforeCursor(start, common);
        }
        else if (candidates.Count > 1 && secondTab)
        {
            output.Write("\n" + Columns(candidates, TerminalWidth()));
            Redraw(prompt);
        }
        else
        {
            output.Write("\a");
        }
    }

    private void Redraw(string prompt)
    {
        var redraw = new StringBuilder().Append('\r').Append(prompt).Append(_line.Text).Append("\x1b[K");
        var back = _line.Length - _line.Cursor;
        if (back > 0)
        {
            redraw.Append("\x1b[").Append(back).Append('D');
        }

        output.Write(redraw.ToString());
        output.Flush();
    }

    /// <summary>
    /// The candidates as readline lists them (<c>rl_display_match_list</c>): sorted, each padded to the longest
    /// plus two, as many columns as the width allows, filled down then across.
    /// </summary>
    internal static string Columns(IReadOnlyList<string> candidates, int width)
    {
        var sorted = candidates.Order(StringComparer.Ordinal).ToList();
        var cell = sorted.Max(c => c.Length) + 2;
        var columns = Math.Max(1, width / cell);
        var rows = (sorted.Count + columns - 1) / columns;
        var text = new StringBuilder();
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                var index = (column * rows) + row;
                if (index >= sorted.Count)
                {
                    break;
                }

                var isLast = column == columns - 1 || index + rows >= sorted.Count;
                text.Append(isLast ? sorted[index] : sorted[index].PadRight(cell));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string CommonPrefix(IReadOnlyList<string> candidates)
    {
        if (candidates.Count == 0)
        {
            return "";
        }

        var prefix = candidates[0];
        foreach (var candidate in candidates.Skip(1))
        {
            var i = 0;
            while (i < prefix.Length && i < candidate.Length && prefix[i] == candidate[i])
            {
                i++;
            }

            prefix = prefix[..i];
        }

        return prefix;
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
