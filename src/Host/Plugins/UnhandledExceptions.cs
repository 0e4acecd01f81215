using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.Loader;

namespace Supervisor.Host.Plugins;

/// <summary>
/// What happens to an exception nothing caught, on a thread that is not the one running the daemon's
/// main loop: a thread a plugin started, a timer or thread-pool callback, an <c>async void</c> method.
/// Left alone, .NET ends the process, and the children lose their supervisor.
/// <list type="bullet">
/// <item>Thrown through a plugin's code (a frame of an assembly in a plugin's load context, any but the default one):
/// contained. The main log gets a CRIT line with the exception, the thread or callback ends, and the
/// daemon keeps running (.NET 10's <see cref="ExceptionHandling.SetUnhandledExceptionHandler"/>, made
/// for hosts of plug-ins).</item>
/// <item>Anything else is a defect of the daemon itself, whose state can no longer be trusted: the main
/// log gets a CRIT line, the pidfile and unix socket files are removed, and the process ends as .NET
/// ends it.</item>
/// </list>
/// What no handler sees, .NET cannot survive: a stack overflow ends the process at once, whoever caused it.
/// </summary>
internal static class UnhandledExceptions
{
    private static Action<string>? _log;
    private static Action? _cleanUp;

    /// <summary>Installs the handler; once per process.</summary>
    /// <param name="log">Writes a CRIT line to the current main log (if there is one).</param>
    /// <param name="cleanUp">Removes the pidfile and socket files before the process ends.</param>
    public static void Install(Action<string> log, Action cleanUp)
    {
        _log = log;
        _cleanUp = cleanUp;
        ExceptionHandling.SetUnhandledExceptionHandler(OnUnhandled);
        AppDomain.CurrentDomain.UnhandledException += (_, args) => OnFatal(args.ExceptionObject as Exception);
    }

    /// <summary>True when a frame of the exception (or of an inner one) belongs to a plugin's assembly.</summary>
    public static bool ComesFromPlugin(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            foreach (var frame in new StackTrace(current, fNeedFileInfo: false).GetFrames())
            {
                if (frame.GetMethod()?.DeclaringType?.Assembly is { } assembly && AssemblyLoadContext.GetLoadContext(assembly) is { } context && context != AssemblyLoadContext.Default)
                {
                    return true;
                }
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Skip(1).Any(ComesFromPlugin))
            {
                return true;
            }
        }

        return false;
    }

    private static bool OnUnhandled(Exception exception)
    {
        if (!ComesFromPlugin(exception))
        {
            // Not ours to contain: the AppDomain event logs it and cleans up as the process ends.
            return false;
        }

        Write($"a plugin's code raised an exception that nothing caught, on thread '{Thread.CurrentThread.Name ?? Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture)}'; the thread ends and supervisord keeps running: {exception}");
        return true;
    }

    private static void OnFatal(Exception? exception)
    {
        Write($"supervisord is ending on an exception that nothing caught: {exception}");
        try
        {
            _cleanUp?.Invoke();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Best effort while the process ends.
        }
    }

    /// <summary>To the main log; to stderr when there is none or it cannot be written.</summary>
    private static void Write(string text)
    {
        try
        {
            if (_log is { } log)
            {
                log(text);
                return;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A log that cannot be written must not turn a contained exception into a fatal one.
        }

        Console.Error.WriteLine(text);
    }
}
