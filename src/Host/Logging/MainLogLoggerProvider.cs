using Supervisor.Abstractions;

namespace Supervisor.Host.Logging;

/// <summary>
/// <see cref="ILogger"/>s that write into the main log, so a plugin's <c>ILogger&lt;T&gt;</c> and Kestrel's
/// own diagnostics land beside the daemon's lines, with its level names and its <c>loglevel</c>:
/// <c>2026-11-21 06:04:01,123 WARN Acme.Counter.CounterNamespace: counter wrapped</c>.
/// <para>Microsoft's levels map one to one (Warning is WARN, Debug is DEBG, Trace is TRAC), except for the
/// HTTP server's categories (<c>Microsoft.AspNetCore.*</c>), whose Debug and Trace are a step lower (TRAC
/// and BLAT): Kestrel says "connection started/stopped" at Debug for every request, and Supervisor logs its
/// HTTP server's chatter at TRAC (<c>supervisor/http.py</c>, <c>LogWrapper.log</c>), not at DEBG.</para>
/// </summary>
internal sealed class MainLogLoggerProvider(IMainLog log) : ILoggerProvider
{
    private const string HttpServerCategories = "Microsoft.AspNetCore.";

    public ILogger CreateLogger(string categoryName) =>
        new MainLogLogger(log, categoryName, categoryName.StartsWith(HttpServerCategories, StringComparison.Ordinal));

    public void Dispose()
    {
        // The main log belongs to the daemon's generation, which closes it.
    }

    /// <summary>The main log's level for a Microsoft level, or null for <see cref="LogLevel.None"/>.</summary>
    internal static MainLogLevel? Map(LogLevel level, bool httpServer) => level switch
    {
        LogLevel.Critical => MainLogLevel.Critical,
        LogLevel.Error => MainLogLevel.Error,
        LogLevel.Warning => MainLogLevel.Warn,
        LogLevel.Information => MainLogLevel.Info,
        LogLevel.Debug => httpServer ? MainLogLevel.Trace : MainLogLevel.Debug,
        LogLevel.Trace => httpServer ? MainLogLevel.Blather : MainLogLevel.Trace,
        _ => null,
    };
}

/// <summary>
/// The daemon's <see cref="ILoggerFactory"/>: this provider's loggers and nothing else, the main log's
/// level as the only filter. Microsoft's <c>LoggerFactory</c> (filter rules, options, change tokens,
/// several providers) cost more start-up than the daemon's whole plugin loading, for nothing it uses here.
/// </summary>
internal sealed class MainLogLoggerFactory(IMainLog log) : ILoggerFactory
{
    private readonly MainLogLoggerProvider _provider = new(log);

    public ILogger CreateLogger(string categoryName) => _provider.CreateLogger(categoryName);

    /// <summary>Providers are not added: every line goes to the main log, and nowhere else.</summary>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("the daemon's loggers write to the main log only");

    public void Dispose()
    {
        // Nothing to release: the main log belongs to the daemon's generation.
    }
}

/// <summary>One category's logger: the category prefixes the message, an exception follows it on the next lines.</summary>
file sealed class MainLogLogger(IMainLog log, string category, bool httpServer) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) =>
        MainLogLoggerProvider.Map(logLevel, httpServer) is { } level && log.IsEnabled(level);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (MainLogLoggerProvider.Map(logLevel, httpServer) is not { } level || !log.IsEnabled(level))
        {
            return;
        }

        var message = formatter(state, exception);
        log.Write(level, exception is null ? $"{category}: {message}" : $"{category}: {message}\n{exception}");
    }
}
