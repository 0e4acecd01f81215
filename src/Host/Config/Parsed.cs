namespace Supervisor.Host.Config;

/// <summary>The outcome of reading one value: the value, or the reference's error text.</summary>
internal readonly record struct Parsed<T>
{
    private Parsed(T? value, string? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value when <see cref="Error"/> is null.</summary>
    public T? Value { get; }

    /// <summary>The reference's exact error text, or null on success.</summary>
    public string? Error { get; }

    public bool IsOk => Error is null;

    public static Parsed<T> Ok(T value) => new(value, null);

    public static Parsed<T> Fail(string error) => new(default, error);
}
