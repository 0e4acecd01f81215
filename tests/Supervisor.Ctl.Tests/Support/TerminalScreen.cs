using System.Text;

namespace Supervisor.Ctl.Tests.Support;

/// <summary>
/// What a terminal shows after a program's output: a small emulator for the sequences line editors use
/// (carriage return, newline, backspace, cursor left/right/up, delete and insert characters, clear to end of line,
/// clear screen), every other
/// escape sequence ignored. Two clients that redraw a line differently (GNU readline and ours) show the same
/// screen when they behave the same, so screens can be compared where raw bytes cannot.
/// </summary>
internal static class TerminalScreen
{
    public static string Render(string output)
    {
        var rows = new List<StringBuilder> { new() };
        int row = 0, column = 0;
        for (var i = 0; i < output.Length; i++)
        {
            var c = output[i];
            switch (c)
            {
                case '\r':
                    column = 0;
                    break;
                case '\n':
                    row++;
                    while (rows.Count <= row)
                    {
                        rows.Add(new StringBuilder());
                    }

                    break;
                case '\b':
                    column = Math.Max(0, column - 1);
                    break;
                case '\a':
                    break;
                case '\x1b':
                    i = Escape(output, i, rows, ref row, ref column);
                    break;
                default:
                    var line = rows[row];
                    while (line.Length < column)
                    {
                        line.Append(' ');
                    }

                    if (column < line.Length)
                    {
                        line[column] = c;
                    }
                    else
                    {
                        line.Append(c);
                    }

                    column++;
                    break;
            }
        }

        // Every row is kept, empty ones at the end included: an extra newline is a difference too.
        return string.Join('\n', rows.Select(r => r.ToString().TrimEnd(' '))) + "\n";
    }

    /// <summary>Applies the sequence starting at <paramref name="start"/>; returns the index of its last character.</summary>
    private static int Escape(string output, int start, List<StringBuilder> rows, ref int row, ref int column)
    {
        if (start + 1 >= output.Length || output[start + 1] != '[')
        {
            return Math.Min(start + 1, output.Length - 1); // ESC =, ESC >, and other two-byte sequences
        }

        var end = start + 2;
        while (end < output.Length && output[end] is (>= '0' and <= '9') or ';' or '?')
        {
            end++;
        }

        if (end >= output.Length)
        {
            return output.Length - 1;
        }

        var parameters = output[(start + 2)..end];
        var count = int.TryParse(parameters, out var n) && n > 0 ? n : 1;
        switch (output[end])
        {
            case 'C':
                column += count;
                break;
            case 'D':
                column = Math.Max(0, column - count);
                break;
            case 'A':
                row = Math.Max(0, row - count);
                break;
            case 'P': // delete characters at the cursor, the rest of the line moving left
                if (column < rows[row].Length)
                {
                    rows[row].Remove(column, Math.Min(count, rows[row].Length - column));
                }

                break;
            case '@': // insert blanks at the cursor
                if (column < rows[row].Length)
                {
                    rows[row].Insert(column, new string(' ', count));
                }

                break;
            case 'K' when parameters is "" or "0":
                if (column < rows[row].Length)
                {
                    rows[row].Length = column;
                }

                break;
            case 'J' when parameters == "2":
                rows.Clear();
                rows.Add(new StringBuilder());
                (row, column) = (0, 0);
                break;
        }

        return end;
    }
}
