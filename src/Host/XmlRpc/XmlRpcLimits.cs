namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Bounds on what a reader accepts, so that a hostile body costs a bounded amount of work, and on
/// what one response may become. Exceeding a reader's bound is an <see cref="XmlRpcFormatException"/>.
/// The request body's byte size is the HTTP layer's limit, not this one.
/// </summary>
internal sealed record XmlRpcLimits
{
    /// <summary>The limits used when none are given.</summary>
    public static XmlRpcLimits Default { get; } = new();

    /// <summary>
    /// How deeply elements may nest, counted as XML element depth with the root at 1.
    /// A parameter sits at depth 4 (<c>methodCall/params/param/value</c>) and each array or
    /// struct level adds 3 (<c>array/data/value</c>, <c>struct/member/value</c>), so the default
    /// of 64 allows about 20 nested arrays or structs; Supervisor's own API never goes past 3.
    /// </summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>How many elements the whole document may hold (skipped ones count too).</summary>
    public int MaxElements { get; init; } = 1_000_000;

    /// <summary>The longest text, in UTF-16 characters, of any one value or name.</summary>
    public int MaxStringLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// The most bytes one response may take. A small <c>system.multicall</c> of log reads could
    /// otherwise answer gigabytes; 64 MiB still holds a whole 50 MB log (Supervisor's default
    /// <c>logfile_maxbytes</c>) read in one call.
    /// </summary>
    public long MaxResponseBytes { get; init; } = 64 * 1024 * 1024;
}
