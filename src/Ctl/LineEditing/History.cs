namespace Supervisor.Ctl.LineEditing;

/// <summary>
/// The lines typed in the shell, oldest first, and the walk through them with the up and down keys. With
/// <c>-r</c>/<c>history_file</c> the list is read at start-up and written back when the shell ends, one line per
/// entry, as the reference does through <c>readline.read_history_file</c> and <c>write_history_file</c>
/// (supervisor/supervisorctl.py, <c>Controller.exec_cmdloop</c>); a file that cannot be read or written is
/// ignored, as there.
/// </summary>
internal sealed class History
{
    private readonly List<string> _entries = [];
    private readonly string? _file;

    // Where the walk is: _entries.Count means the line being typed, below it an entry.
    private int _position;
    private string _draft = "";

    public History(string? file)
    {
        _file = file;
        if (file is not null)
        {
            try
            {
                _entries.AddRange(File.ReadAllLines(file).Where(line => line.Length > 0));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // No history yet, or none readable: start empty.
            }
        }

        _position = _entries.Count;
    }

    public IReadOnlyList<string> Entries => _entries;

    /// <summary>
    /// Records a line that was entered: empty lines and a repeat of the newest entry are not kept (as
    /// Python's readline hook does), and the walk starts again from the bottom.
    /// </summary>
    public void Add(string line)
    {
        if (line.Length > 0 && (_entries.Count == 0 || _entries[^1] != line))
        {
            _entries.Add(line);
        }

        _position = _entries.Count;
        _draft = "";
    }

    /// <summary>The entry above the current one, keeping <paramref name="current"/> as the draft when leaving the bottom; null at the top.</summary>
    public string? Previous(string current)
    {
        if (_position == 0)
        {
            return null;
        }

        if (_position == _entries.Count)
        {
            _draft = current;
        }

        return _entries[--_position];
    }

    /// <summary>The entry below the current one, or the draft at the bottom; null when already there.</summary>
    public string? Next()
    {
        if (_position >= _entries.Count)
        {
            return null;
        }

        _position++;
        return _position == _entries.Count ? _draft : _entries[_position];
    }

    /// <summary>Writes every entry to the history file, when there is one; a failure is ignored.</summary>
    public void Save()
    {
        if (_file is null)
        {
            return;
        }

        try
        {
            File.WriteAllText(_file, string.Concat(_entries.Select(entry => entry + "\n")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As the reference: a history that cannot be saved does not make the client fail.
        }
    }
}
