using System.Globalization;
using Supervisor.Abstractions;

namespace Supervisor.Host.Web;

/// <summary>What the status page's buttons and links ask for (the <c>action</c> parameter).</summary>
internal enum WebAction
{
    Refresh,
    StopAll,
    RestartAll,
    Start,
    Stop,
    Restart,
    ClearLog,
}

/// <summary>
/// The status page's actions and the messages the reference words for them (<c>supervisor/web.py</c>,
/// <c>StatusView.make_callback</c>), run through the <c>supervisor</c> namespace.
/// </summary>
internal sealed class WebActions(WebRpc rpc, TimeProvider clock)
{
    public static bool TryParse(string? value, out WebAction action)
    {
        (var known, action) = value switch
        {
            "refresh" => (true, WebAction.Refresh),
            "stopall" => (true, WebAction.StopAll),
            "restartall" => (true, WebAction.RestartAll),
            "start" => (true, WebAction.Start),
            "stop" => (true, WebAction.Stop),
            "restart" => (true, WebAction.Restart),
            "clearlog" => (true, WebAction.ClearLog),
            _ => (false, WebAction.Refresh),
        };
        return known;
    }

    public static string Name(WebAction action) => action switch
    {
        WebAction.Refresh => "refresh",
        WebAction.StopAll => "stopall",
        WebAction.RestartAll => "restartall",
        WebAction.Start => "start",
        WebAction.Stop => "stop",
        WebAction.Restart => "restart",
        _ => "clearlog",
    };

    /// <summary>True for the actions on one process, which need a <c>processname</c>.</summary>
    public static bool IsPerProcess(WebAction action) => action is WebAction.Start or WebAction.Stop or WebAction.Restart or WebAction.ClearLog;

    /// <summary>True for what changes nothing, and so runs on a GET as the reference does.</summary>
    public static bool IsSafe(WebAction action) => action == WebAction.Refresh;

    /// <summary>What the confirmation asks before an action runs (a GET shows it and changes nothing).</summary>
    public static string Question(WebAction action, string? namespec) => action switch
    {
        WebAction.StopAll => "Stop all processes?",
        WebAction.RestartAll => "Restart all processes?",
        WebAction.Start => $"Start {namespec}?",
        WebAction.Stop => $"Stop {namespec}?",
        WebAction.Restart => $"Restart {namespec}?",
        WebAction.ClearLog => $"Clear the logs of {namespec}?",
        _ => "Refresh?",
    };

    /// <summary>The label of the button that confirms it.</summary>
    public static string Button(WebAction action) => action switch
    {
        WebAction.StopAll => "Stop All",
        WebAction.RestartAll => "Restart All",
        WebAction.Start => "Start",
        WebAction.Stop => "Stop",
        WebAction.Restart => "Restart",
        WebAction.ClearLog => "Clear Log",
        _ => "Refresh",
    };

    /// <summary>
    /// Runs the action to its end (a start waits for RUNNING, a stop for the exit) and answers the message the
    /// status page shows after it. <paramref name="namespec"/> is what the request named, shown as it was given.
    /// </summary>
    public async Task<string> RunAsync(WebAction action, string? namespec, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case WebAction.Refresh:
                return "Page refreshed at " + Ctime();
            case WebAction.StopAll:
                await rpc.CallAsync("supervisor.stopAllProcesses", [], cancellationToken);
                return "All stopped at " + Ctime();
            case WebAction.RestartAll:
                // The reference's multicall of stopAllProcesses then startAllProcesses; their results are not shown.
                await rpc.CallAsync("supervisor.stopAllProcesses", [], cancellationToken);
                await rpc.CallAsync("supervisor.startAllProcesses", [], cancellationToken);
                return "All restarted at " + Ctime();
        }

        namespec ??= "";
        if (await rpc.ProcessAsync(namespec, cancellationToken) is null)
        {
            return "No such process named " + namespec;
        }

        switch (action)
        {
            case WebAction.Start:
            {
                var outcome = await rpc.CallAsync("supervisor.startProcess", [namespec], cancellationToken);
                return outcome.IsFault ? $"ERROR: Process {namespec}: {StartError(outcome.FaultCode, outcome.FaultString)}" : $"Process {namespec} started";
            }

            case WebAction.Stop:
            {
                // The reference words a stop's fault without "ERROR: Process ...".
                var outcome = await rpc.CallAsync("supervisor.stopProcess", [namespec], cancellationToken);
                return outcome.IsFault ? Unexpected(outcome.FaultCode, outcome.FaultString) : $"Process {namespec} stopped";
            }

            case WebAction.Restart:
                // Stop then start, as the reference's multicall; neither fault is reported.
                await rpc.CallAsync("supervisor.stopProcess", [namespec], cancellationToken);
                await rpc.CallAsync("supervisor.startProcess", [namespec], cancellationToken);
                return $"Process {namespec} restarted";
            default:
            {
                var outcome = await rpc.CallAsync("supervisor.clearProcessLogs", [namespec], cancellationToken);
                return outcome.IsFault ? Unexpected(outcome.FaultCode, outcome.FaultString) : $"Log for {namespec} cleared";
            }
        }
    }

    private static string StartError(int code, string? text) => (FaultCode)code switch
    {
        FaultCode.NoFile => "no such file",
        FaultCode.NotExecutable => "file not executable",
        FaultCode.AlreadyStarted => "already started",
        FaultCode.SpawnError => "spawn error",
        FaultCode.AbnormalTermination => "abnormal termination",
        _ => Unexpected(code, text),
    };

    private static string Unexpected(int code, string? text) => $"unexpected rpc fault [{code}] {text}";

    /// <summary>Python's <c>time.ctime()</c> in local time: <c>Mon Dec  7 12:30:17 2026</c>.</summary>
    public string Ctime()
    {
        var now = clock.GetLocalNow();
        return string.Create(CultureInfo.InvariantCulture, $"{now:ddd MMM} {now.Day,2} {now:HH:mm:ss yyyy}");
    }
}
