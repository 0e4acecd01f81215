namespace Supervisor.Host.Config;

/// <summary>
/// Every section read from the main file and its includes, in the order each first appeared,
/// as Python's <c>RawConfigParser</c> holds them: sections of the same name merged, the last
/// value of a key winning, <c>[DEFAULT]</c> kept apart as the fallback of every section.
/// </summary>
internal sealed class IniDocument
{
    /// <summary>The one special section name (upper case only; <c>[default]</c> is ordinary).</summary>
    public const string DefaultSectionName = "DEFAULT";

    private readonly OrderedDictionary<string, IniSection> _sections = new(StringComparer.Ordinal);

    /// <summary>The keys of <c>[DEFAULT]</c>, which every section falls back to.</summary>
    public OrderedDictionary<string, string> Defaults { get; } = new(StringComparer.Ordinal);

    /// <summary>The sections (without <c>[DEFAULT]</c>) in order of first appearance.</summary>
    public IReadOnlyList<IniSection> Sections => _sections.Values;

    /// <summary>The section named exactly <paramref name="name"/> (case-sensitive), or null.</summary>
    public IniSection? Find(string name) => _sections.GetValueOrDefault(name);

    /// <summary>True when a section of this exact name exists.</summary>
    public bool HasSection(string name) => _sections.ContainsKey(name);

    /// <summary>The section's own value of <paramref name="key"/>, else the <c>[DEFAULT]</c> one, else null.</summary>
    public string? Get(string section, string key)
    {
        var found = Find(section);
        if (found is not null && found.Values.TryGetValue(key, out var value))
        {
            return value;
        }

        return found is null ? null : Defaults.GetValueOrDefault(key);
    }

    /// <summary>
    /// The section's keys as Python's <c>parser.options(section)</c> lists them: its own keys in
    /// order, then the <c>[DEFAULT]</c> keys it does not override.
    /// </summary>
    public IReadOnlyList<string> Options(string section)
    {
        var found = Find(section);
        if (found is null)
        {
            return [];
        }

        var keys = new List<string>(found.Values.Keys);
        keys.AddRange(Defaults.Keys.Where(k => !found.Values.ContainsKey(k)));
        return keys;
    }

    /// <summary>The section's effective key/values (own keys over <c>[DEFAULT]</c>), in <see cref="Options"/> order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Items(string section) =>
        Options(section).Select(k => new KeyValuePair<string, string>(k, Get(section, k)!)).ToList();

    /// <summary>Returns the section of this name, creating it (attributed to <paramref name="file"/>) if new.</summary>
    public IniSection GetOrAdd(string name, string file)
    {
        if (!_sections.TryGetValue(name, out var section))
        {
            section = new IniSection(name, file);
            _sections.Add(name, section);
        }
        else if (!section.Files.Contains(file))
        {
            section.AddFile(file);
        }

        return section;
    }

    /// <summary>
    /// The reference's <c>expand_here</c>: replaces the literal text <c>%(here)s</c> in the
    /// effective value of every key of every section (a <c>[DEFAULT]</c> value is copied into
    /// the section as it is replaced). Applied when the main file has an <c>[include]</c> section.
    /// </summary>
    public void ExpandHere(string here)
    {
        const string HereFormat = "%(here)s";
        foreach (var section in _sections.Values)
        {
            foreach (var (key, value) in Items(section.Name))
            {
                if (value.Contains(HereFormat, StringComparison.Ordinal))
                {
                    section.Values[key] = value.Replace(HereFormat, here, StringComparison.Ordinal);
                }
            }
        }
    }
}

/// <summary>One <c>[name]</c> section: its keys (lower-cased) and the files it was read from.</summary>
internal sealed class IniSection
{
    private readonly List<string> _files = [];

    public IniSection(string name, string file)
    {
        Name = name;
        File = file;
        _files.Add(file);
    }

    /// <summary>The text between the brackets, taken literally.</summary>
    public string Name { get; }

    /// <summary>
    /// The file that first defined the section, as the reference reports it in
    /// <c>(file: '...')</c> suffixes (the main file as given, an included file as globbed).
    /// </summary>
    public string File { get; }

    /// <summary>Every file that contributed keys to this section, in reading order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>The section's own keys (not <c>[DEFAULT]</c>) in order of first appearance.</summary>
    public OrderedDictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    internal void AddFile(string file) => _files.Add(file);
}
